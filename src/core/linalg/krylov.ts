// Batched Krylov solvers with a FIXED iteration count (§3.1, §9), one independent system per batch element.
//
// Per-sample, not batch-coupled: every dot product, step size and guard is a [B] tensor, so sample b's
// iterates depend only on sample b's system (unlike [D]'s JAX CG, which sums the dot products over the batch,
// §3.1 "Batch coupling"). Precision: tfjs has no float64 on GPU backends, so all arithmetic — including the
// scalars α, β, Givens rotations and the Hessenberg solve — is float32 (≈ 7 significant digits); [B] runs its
// solvers in float64. With ≤ 16 iterations this costs little accuracy; the guards below catch breakdown.
//
// Auxiliary products: `apply(v)` returns [C v, aux_1(v), …]. The solution u is a linear combination of the
// vectors the solver applied C to (CG: the search directions pᵢ; GMRES: the Arnoldi basis vᵢ), so the solver
// returns the same combination of the aux products: Σ cᵢ aux(vᵢ) = aux(u) for any linear aux. MMPS uses this
// to get Jᵀ Aᵀ u without an extra VJP (issue 3; §11 lesson 2).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import { bcast, bdot, tidyObject } from './batch'

/** Applies C to v ([B, ...]); returns [C v, ...aux] — all new tensors the solver disposes. */
export type KrylovOperator = (v: Tensor) => Tensor[]

export interface KrylovResult {
  /** The approximate solution u of C u = b, shape of b. */
  x: Tensor
  /** Σ cᵢ aux_j(vᵢ) with the same coefficients as x = Σ cᵢ vᵢ. */
  aux: Tensor[]
  /** Number of operator applications (= iterations performed, guards included). */
  applications: number
}

export type SolverName = 'cg' | 'gmres'

function axpy(x: Tensor, a: Tensor, p: Tensor): Tensor {
  return tf.add(x, tf.mul(bcast(a, p.rank), p))
}

/**
 * Conjugate gradient, x₀ = 0 (so r₀ = b with no operator call, §9.11), exactly `iters` operator applications.
 * Guards per sample (§9.4, §11 lesson 2): a sample stops, keeping its current (best) iterate, when pᵀCp ≤ 0,
 * when α is non-finite, or when the residual norm grows (the first step is always accepted if pᵀCp > 0).
 * Also stops when r = 0 (converged). A stopped sample keeps its iterate and aux sums (α = 0, β = 0). All the
 * branching is on [B] scalars: full-size tf.where costs ~1 ms on tfjs-wasm (no native broadcastTo), a few µs elsewhere.
 */
export function cg(apply: KrylovOperator, b: Tensor, iters: number): KrylovResult {
  let x: Tensor | null = null // x₀ = 0
  let r = b
  let p = b
  let rr: Tensor | null = bdot(r, r)
  let active: Tensor | null = null // [B] float: 1 = iterating, 0 = stopped (bool ops are slow on tfjs-wasm)
  let aux: Tensor[] | null = null
  for (let i = 0; i < iters; i++) {
    const out = apply(p)
    const cp = out[0]
    const last = i === iters - 1
    const rrCur = rr as Tensor
    const next = tidyObject(() => {
      const rr = rrCur
      const pcp = bdot(p, cp)
      const alpha = tf.div(rr, pcp)
      // α > 0 and finite ⟺ pᵀCp > 0, rᵀr > 0, no overflow/NaN (rᵀr ≥ 0 always)
      const ok = tf.logicalAnd(tf.greater(alpha, 0), tf.isFinite(alpha))
      const alphaOk = tf.where(ok, alpha, tf.zerosLike(alpha))
      // the residual is needed for the guard (i > 0) or for the next iteration; MMPS(1) needs neither
      const rTry = i > 0 || !last ? axpy(r, tf.neg(alphaOk), cp) : null
      const rrTry = rTry ? bdot(rTry, rTry) : null
      // residual guard (§11 lesson 2): reject a step that increases ‖r‖, except the first
      const accept = tf.cast(i === 0 || !rrTry ? ok : tf.logicalAnd(ok, tf.lessEqual(rrTry, rr)), 'float32')
      const act = active ? tf.mul(active, accept) : accept
      // per-sample scalars only: a stopped sample gets α = 0 (keeps x, r, aux) and β = 0 (p ← r, finite)
      const a = tf.mul(alphaOk, act)
      const xN = x ? axpy(x, a, p) : tf.mul(bcast(a, p.rank), p)
      const auxN = out.slice(1).map((v, j) => (aux ? axpy(aux[j], a, v) : tf.mul(bcast(a, v.rank), v)))
      if (last) return { xN, auxN, act, rN: null, pN: null, rrN: null }
      const beta = tf.where(tf.greater(act, 0), tf.div(rrTry as Tensor, rr), tf.zerosLike(rr))
      const rN = axpy(r, tf.neg(a), cp)
      const rrN = bdot(rN, rN)
      const pN = axpy(rN, beta, p)
      return { xN, auxN, act, rN, pN, rrN }
    })
    const old: Array<Tensor | null> = [x, r !== b ? r : null, p !== b ? p : null, rrCur, active, ...out, ...(aux ?? [])]
    tf.dispose(old.filter((t): t is Tensor => t !== null))
    x = next.xN; aux = next.auxN; active = next.act
    if (next.rN && next.pN && next.rrN) { r = next.rN; p = next.pN; rr = next.rrN } else { r = b; p = b; rr = null }
  }
  tf.dispose([rr, active].filter((t): t is Tensor => t !== null))
  return { x: x ?? tf.zerosLike(b), aux: aux ?? [], applications: iters }
}

/** ‖v‖ per sample, and v/‖v‖ with [B]'s safe_normalize (norm ≤ 1e-6 → 0 vector, §3.1). */
function safeNormalize(v: Tensor): { n: Tensor; u: Tensor } {
  return tf.tidy(() => {
    const n = tf.sqrt(bdot(v, v))
    const inv = tf.where(tf.greater(n, 1e-6), tf.div(1, n), tf.zerosLike(n))
    return { n, u: tf.mul(bcast(inv, v.rank), v) }
  })
}

/**
 * GMRES as in [B] `linalg.py: gmres` (§3.1): Arnoldi with modified Gram–Schmidt, x₀ = 0, exactly `iters`
 * iterations, no restart, Givens rotations with denominator max(ρ, 1e-6), final triangular solve with
 * H + 1e-6·I. All of it per sample on [B] scalars. A non-finite result for a sample is replaced by 0.
 */
export function gmres(apply: KrylovOperator, b: Tensor, iters: number): KrylovResult {
  const m = iters
  const keep: Tensor[] = []
  const t = <T extends Tensor>(x: T): T => { keep.push(x); return x }
  const { n: beta0, u: v0 } = safeNormalize(b)
  t(beta0)
  const V: Tensor[] = [t(v0)]
  const AUX: Tensor[][] = []
  // H[j][i] stored as [B] tensors; rotations cs[i], sn[i]; g the rotated rhs.
  const H: Tensor[][] = Array.from({ length: m + 1 }, () => [])
  const cs: Tensor[] = [], sn: Tensor[] = []
  const g: Tensor[] = [beta0]
  for (let i = 0; i < m; i++) {
    const out = apply(V[i])
    AUX.push(out.slice(1).map(t))
    let p = out[0]
    for (let j = 0; j <= i; j++) {
      const h = t(bdot(p, V[j]))
      H[j][i] = h
      const pp = p, vj = V[j]
      const pN = tf.tidy(() => axpy(pp, tf.neg(h), vj))
      p.dispose(); p = pN
    }
    const { n, u } = safeNormalize(p)
    p.dispose()
    H[i + 1][i] = t(n)
    V.push(t(u))
    tf.tidy(() => {
      for (let j = 0; j < i; j++) {
        const a = H[j][i], bb = H[j + 1][i]
        H[j][i] = t(tf.keep(tf.sub(tf.mul(cs[j], a), tf.mul(sn[j], bb))))
        H[j + 1][i] = t(tf.keep(tf.add(tf.mul(sn[j], a), tf.mul(cs[j], bb))))
      }
      const a = H[i][i], bb = H[i + 1][i]
      const rho = tf.maximum(tf.sqrt(tf.add(tf.square(a), tf.square(bb))), 1e-6)
      const c = t(tf.keep(tf.div(a, rho))), s = t(tf.keep(tf.div(tf.neg(bb), rho)))
      cs.push(c); sn.push(s)
      H[i][i] = t(tf.keep(tf.sub(tf.mul(c, a), tf.mul(s, bb))))
      H[i + 1][i] = t(tf.keep(tf.zerosLike(a)))
      const gi = g[i]
      g[i + 1] = t(tf.keep(tf.mul(s, gi)))
      g[i] = t(tf.keep(tf.mul(c, gi)))
    })
  }
  const result = tf.tidy(() => {
    const y: Tensor[] = new Array<Tensor>(m)
    for (let i = m - 1; i >= 0; i--) {
      let s = g[i]
      for (let k = i + 1; k < m; k++) s = tf.sub(s, tf.mul(H[i][k], y[k]))
      const yi = tf.div(s, tf.add(H[i][i], 1e-6))
      y[i] = tf.where(tf.isFinite(yi), yi, tf.zerosLike(yi))
    }
    let x = tf.zerosLike(b)
    for (let i = 0; i < m; i++) x = axpy(x, y[i], V[i])
    const aux = (AUX[0] ?? []).map((_, j) => {
      let acc = tf.mul(bcast(y[0], AUX[0][j].rank), AUX[0][j])
      for (let i = 1; i < m; i++) acc = axpy(acc, y[i], AUX[i][j])
      return acc
    })
    return { x, aux }
  })
  tf.dispose(keep)
  return { x: result.x, aux: result.aux, applications: m }
}

export function krylov(name: SolverName, apply: KrylovOperator, b: Tensor, iters: number): KrylovResult {
  return name === 'cg' ? cg(apply, b, iters) : gmres(apply, b, iters)
}
