import { beforeAll, describe, expect, it } from 'vitest'
import { tf, useCpu } from '../testing/tf'
import { GaussianPriorDenoiser } from '../priors/gaussian'
import { randomSpd } from '../priors/random'
import { add, identity, inverse, matmul, symEig, transpose, type Mat } from '../linalg/dense'
import { mulberry32, normals } from '../linalg/random'
import { DenseOperator } from '../operators/dense'
import { jacobianProducts } from './products'
import { conditionedProducts } from './conditioned'
import { posteriorPcs } from './subspace'

beforeAll(useCpu)

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s }

function topEig(a: Mat, n: number, k: number): { values: number[]; vectors: Float64Array[] } {
  const { values, vectors } = symEig(a, n)
  const order = Array.from(values, (_, i) => i).sort((p, q) => values[q]! - values[p]!).slice(0, k)
  return { values: order.map((o) => values[o]!), vectors: order.map((o) => Float64Array.from({ length: n }, (_, r) => vectors[r * n + o]!)) }
}

describe('PCs of MMPS\'s Gaussian approximation conditioned on y', () => {
  const n = 12, m = 5
  const cov = randomSpd(n, mulberry32(3))
  const prior = new GaussianPriorDenoiser({ mean: normals(n, mulberry32(4)), cov })
  const sigma = 0.7, sigmaY = 0.3
  const aRows = Float64Array.from(normals(m * n, mulberry32(6)), (v) => v / Math.sqrt(n))
  // closed form: Σ_t = (Σ⁻¹ + σ⁻²I)⁻¹ (= σ²J for a Gaussian prior), Σ_post = Σ_t − Σ_t Aᵀ (σ_y² I + A Σ_t Aᵀ)⁻¹ A Σ_t
  const st = inverse(add(inverse(cov, n), identity(n, sigma ** -2)), n)
  const at = transpose(aRows, m, n)
  const sAt = matmul(st, at, n, n, m)
  const gram = add(matmul(aRows, sAt, m, n, m), identity(m, sigmaY ** 2))
  const gain = matmul(sAt, inverse(gram, m), n, m, m)
  const corr = matmul(gain, transpose(sAt, n, m), n, m, n)
  const post = Float64Array.from(st, (v, i) => v - corr[i]!)

  it('with as many CG iterations as y has entries, the eigenpairs equal the closed form Σ_t − Σ_t Aᵀ(σ_y²I + AΣ_tAᵀ)⁻¹AΣ_t', async () => {
    const A = new DenseOperator(aRows, m, n)
    const xt = tf.tensor2d([Array.from(normals(n, mulberry32(9)))])
    const ex = topEig(post, n, 3)
    const prior3 = topEig(st, n, 1)
    const before = tf.memory().numTensors
    const products = conditionedProducts(jacobianProducts(prior, xt, sigma, 3, 'exact'), A, sigma, sigmaY, m)
    const r = await posteriorPcs(products, { k: 3, iters: 80, sigma, seed: 1 })
    products.dispose()
    expect(tf.memory().numTensors).toBe(before)
    r.eigenvalues.forEach((v, i) => expect(Math.abs(v - ex.values[i]!) / ex.values[i]!).toBeLessThan(1e-3))
    r.vectors.forEach((v, i) => expect(Math.abs(dot(v, ex.vectors[i]!))).toBeGreaterThan(1 - 1e-3))
    // conditioning on y shrinks the leading variance below the unconditioned one
    expect(r.eigenvalues[0]!).toBeLessThan(prior3.values[0]! * 0.999)
    A.dispose(); xt.dispose()
  })

  it('GMRES as the inner solver gives the same eigenpairs', async () => {
    const A = new DenseOperator(aRows, m, n)
    const xt = tf.tensor2d([Array.from(normals(n, mulberry32(9)))])
    const ex = topEig(post, n, 2)
    const products = conditionedProducts(jacobianProducts(prior, xt, sigma, 2, 'exact'), A, sigma, sigmaY, m, 'gmres')
    const r = await posteriorPcs(products, { k: 2, iters: 80, sigma, seed: 2 })
    products.dispose()
    r.eigenvalues.forEach((v, i) => expect(Math.abs(v - ex.values[i]!) / ex.values[i]!).toBeLessThan(1e-3))
    A.dispose(); xt.dispose()
  })

  it('rejects a bad CG iteration count with a clear message', () => {
    const A = new DenseOperator(aRows, m, n)
    const xt = tf.tensor2d([Array.from(normals(n, mulberry32(9)))])
    const base = jacobianProducts(prior, xt, sigma, 1, 'exact')
    expect(() => conditionedProducts(base, A, sigma, sigmaY, 0)).toThrow(/CG iterations must be an integer from 1 to 50, got 0/)
    base.dispose(); A.dispose(); xt.dispose()
  })
})
