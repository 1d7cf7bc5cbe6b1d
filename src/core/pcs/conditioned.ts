// Products of MMPS's Gaussian approximation conditioned on y (algorithms.md §3.1 with §12.1): with
// Σ_t = σ² J (Tweedie's covariance of p(x | x_t), J = ∂D/∂x_t, Jᵀ = J for the ideal denoiser),
//   Σ_{x|x_t,y} = Σ_t − Σ_t Aᵀ (σ_y² I + A Σ_t Aᵀ)⁻¹ A Σ_t,
// the covariance of x given x_t AND y under q(x | x_t) = N(D(x_t), Σ_t) and y = A x + σ_y n.
// apply(V) returns Σ_{x|x_t,y} V / σ² (so posteriorPcs's σ²θ are its eigenvalues): U = J V (one batched
// product), W ≈ (σ_y² I + σ² A J Aᵀ)⁻¹ A (σ² U) by `cgIters` iterations of the project's batched CG or GMRES (MMPS's own solvers; one
// independent system per direction, each iteration one product J Aᵀ p whose combination the solver returns as
// the aux J Aᵀ W — MMPS's own reuse), then U − J Aᵀ W (= Σ_{x|x_t,y} V / σ², as Σ_t Aᵀ W = σ² J Aᵀ W). Cost per apply: 1 + cgIters Jacobian products.
// With few CG iterations W is approximate, so the result is an approximation of the conditioned covariance
// (exact when cgIters ≥ dim y in exact arithmetic).
import * as tf from '@tensorflow/tfjs-core'
import type { LinearOperator } from '../types'
import { krylov, type SolverName } from '../linalg/krylov'
import type { JacobianProducts } from './products'

export function conditionedProducts(base: JacobianProducts, A: LinearOperator, sigma: number, sigmaY: number, cgIters: number, solver: SolverName = 'cg'): JacobianProducts {
  if (!Number.isInteger(cgIters) || cgIters < 1 || cgIters > 50) throw new Error(`${solver === 'cg' ? 'CG' : 'GMRES'} iterations must be an integer from 1 to 50, got ${cgIters}`)
  if (!(sigmaY >= 0) || !Number.isFinite(sigmaY)) throw new Error(`σ_y must be a non-negative number, got ${sigmaY}`)
  const s2 = sigma * sigma
  return {
    denoised: base.denoised,
    mode: base.mode,
    step: base.step,
    apply: (v) => {
      const u = base.apply(v)
      const rhs = tf.tidy(() => tf.mul(A.apply(u), s2))
      const res = krylov(solver, (p) => tf.tidy(() => {
        const jatp = base.apply(A.adjoint(p))
        return [tf.add(tf.mul(p, sigmaY * sigmaY), tf.mul(A.apply(jatp), s2)), jatp]
      }), rhs, cgIters)
      const out = tf.sub(u, res.aux[0]!)
      tf.dispose([u, rhs, res.x, ...res.aux])
      return out
    },
    dispose: () => base.dispose(),
  }
}
