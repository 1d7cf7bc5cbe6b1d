// Top-k posterior principal components of a patch by subspace iteration (algorithms.md §12.1, `get_eigvecs`):
// the eigenpairs of M Cov[x | x_t] M = σ² M J M, J = ∂D/∂x_t, M the 0/1 patch mask.
// Each iteration: W = M ⊙ J(V) (one batched Jacobian product over the k directions), then on the host in
// float64, from the three k×k Gram matrices VVᵀ, VWᵀ, WWᵀ (the only read-back per iteration):
//   – Rayleigh–Ritz on span(V) (V need not be exactly orthonormal: the generalised problem with B = VVᵀ),
//     giving Ritz values θ (descending) and the residual ‖J u − θ u‖ / θ of each Ritz vector u;
//   – the next basis: W rotated into Ritz order and orthonormalised by Cholesky of its Gram matrix
//     (Gram–Schmidt order, so the leading direction stays the leading one). The paper uses QR; same span.
// The paper's eigenvalue estimate ‖Av‖ (after normalising) converges to the same θ; Rayleigh–Ritz converges
// twice as fast (error ∝ (θ_{k+1}/θ_k)^{2t} for symmetric J). Tensors stay on the backend through the loop.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import { cholesky, symEig, type Mat } from '../linalg/dense'
import { fillNormal, mulberry32 } from '../linalg/random'
import type { JacobianProducts } from './products'

export interface PcIteration {
  /** 1-based iteration count (Jacobian products so far). */
  iteration: number
  iterations: number
  /** Ritz values of J (descending); covariance eigenvalues are σ² times these. */
  theta: number[]
  /** ‖J u_i − θ_i u_i‖ / |θ_i| for each Ritz vector. */
  residuals: number[]
}

export interface SubspaceOptions {
  k: number
  iters: number
  sigma: number
  seed: number
  /** 0/1 mask of shape [1, ...sampleShape]; omitted = the whole image. */
  mask?: Tensor
  /** Stop early once every relative residual is below tol (0 = run all iterations). */
  tol?: number
  signal?: AbortSignal
  onIteration?: (it: PcIteration) => void | Promise<void>
}

export interface PcResult {
  /** Posterior-covariance eigenvalues σ²θ_i, descending. */
  eigenvalues: number[]
  /** Eigenvalues θ_i of J = ∂D/∂x_t on the patch. */
  theta: number[]
  /** k unit vectors (rows), each of the sample's size, zero outside the patch. */
  vectors: Float32Array[]
  residuals: number[]
  iterations: number
  history: PcIteration[]
}

export class PcsError extends Error {}

function lowerInverse(l: Mat, k: number): Mat {
  const inv = new Float64Array(k * k)
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < k; i++) {
      let s = i === c ? 1 : 0
      for (let j = 0; j < i; j++) s -= l[i * k + j] * inv[j * k + c]
      inv[i * k + c] = s / l[i * k + i]
    }
  }
  return inv
}

const mm = (a: Mat, b: Mat, k: number): Mat => {
  const c = new Float64Array(k * k)
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) { let s = 0; for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * k + j]; c[i * k + j] = s }
  return c
}
const tr = (a: Mat, k: number): Mat => { const t = new Float64Array(k * k); for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) t[j * k + i] = a[i * k + j]; return t }

interface Ritz { theta: number[]; residuals: number[]; /** rows: coefficients of the Ritz vectors in V (U = R V). */ r: Mat; /** next basis = C W. */ c: Mat }

/** Host side of one iteration from B = VVᵀ, A = VWᵀ, G = WWᵀ (row-major k×k, float64). */
export function rayleighRitz(b: Mat, a: Mat, g: Mat, k: number): Ritz {
  let lb: Mat
  try { lb = cholesky(b, k) } catch { throw new PcsError('the basis became degenerate (the patch may hold fewer values than k)') }
  const lbi = lowerInverse(lb, k)
  const as = new Float64Array(k * k)
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) as[i * k + j] = 0.5 * (a[i * k + j] + a[j * k + i])
  const h = mm(mm(lbi, as, k), tr(lbi, k), k)
  const { values, vectors: y } = symEig(h, k)
  const order = Array.from(values, (_, i) => i).sort((p, q) => values[q] - values[p])
  // Ritz coefficients: u_i = Σ_j R[i, j] v_j with R = Yᵀ L_B⁻¹ (rows of R in descending θ)
  const yt = new Float64Array(k * k)
  order.forEach((o, i) => { for (let j = 0; j < k; j++) yt[i * k + j] = y[j * k + o] })
  const r = mm(yt, lbi, k)
  const theta = order.map((o) => values[o])
  const rA = mm(mm(r, a, k), tr(r, k), k), rG = mm(mm(r, g, k), tr(r, k), k)
  const residuals = theta.map((t, i) => Math.sqrt(Math.max(0, rG[i * k + i] - 2 * t * rA[i * k + i] + t * t)) / Math.max(Math.abs(t), 1e-30))
  // next basis: J U = R W rotated, orthonormalised (Cholesky of R G Rᵀ)
  let lg: Mat
  try { lg = cholesky(rG, k) } catch { throw new PcsError('the Jacobian products became linearly dependent (is D constant on the patch, or does the patch hold fewer values than k?)') }
  const c = mm(lowerInverse(lg, k), r, k)
  return { theta, residuals, r, c }
}

function gram(v: Tensor, w: Tensor, k: number): Tensor {
  return tf.tidy(() => {
    const vf = tf.reshape(v, [k, -1]), wf = tf.reshape(w, [k, -1])
    return tf.concat([tf.matMul(vf, vf, false, true), tf.matMul(vf, wf, false, true), tf.matMul(wf, wf, false, true)].map((t) => tf.reshape(t, [-1])))
  })
}

const combine = (c: Mat, w: Tensor, k: number): Tensor => tf.tidy(() => {
  const shape = w.shape
  return tf.reshape(tf.matMul(tf.tensor2d(Float32Array.from(c), [k, k]), tf.reshape(w, [k, -1])), shape)
})

/** Subspace iteration with `products` (built at x_t for k directions); see the file comment. */
export async function posteriorPcs(products: JacobianProducts, opts: SubspaceOptions): Promise<PcResult> {
  const { k, iters, sigma } = opts
  if (!Number.isInteger(k) || k < 1) throw new PcsError(`k must be a positive integer, got ${k}`)
  if (!Number.isInteger(iters) || iters < 1) throw new PcsError(`iters must be a positive integer, got ${iters}`)
  const sampleShape = products.denoised.shape.slice(1)
  const n = sampleShape.reduce((a, b) => a * b, 1)
  const mask = opts.mask ? tf.keep(tf.reshape(opts.mask, [1, ...sampleShape])) : tf.keep(tf.ones([1, ...sampleShape]))
  try {
    const total = tf.sum(mask)
    const active = (await total.data())[0] ?? 0
    total.dispose()
    if (active < k) throw new PcsError(`the patch holds ${active} values, fewer than k = ${k} components`)
    const z = fillNormal(new Float32Array(k * n), mulberry32(opts.seed))
    let v = tf.tidy(() => tf.mul(tf.tensor(z, [k, ...sampleShape]), mask))
    let last: Ritz | undefined
    const history: PcIteration[] = []
    try {
      for (let it = 1; it <= iters; it++) {
        opts.signal?.throwIfAborted()
        const w = tf.tidy(() => tf.mul(products.apply(v), mask))
        const g = gram(v, w, k)
        const s = Float64Array.from(await g.data())
        g.dispose()
        const kk = k * k
        let ritz: Ritz
        try {
          ritz = rayleighRitz(s.subarray(0, kk), s.subarray(kk, 2 * kk), s.subarray(2 * kk), k)
        } catch (e) {
          w.dispose()
          throw e
        }
        if (!ritz.theta.every(Number.isFinite)) { w.dispose(); throw new PcsError('the Jacobian products are not finite (NaN or Inf from the denoiser)') }
        last = ritz
        const rec: PcIteration = { iteration: it, iterations: iters, theta: ritz.theta, residuals: ritz.residuals }
        history.push(rec)
        const done = it === iters || (opts.tol !== undefined && opts.tol > 0 && Math.max(...ritz.residuals) < opts.tol)
        if (done) {
          // the Ritz vectors of the current span(V) are the answer (their residuals were just measured)
          const u = combine(ritz.r, v, k)
          w.dispose()
          v.dispose()
          v = u
          await opts.onIteration?.(rec)
          break
        }
        const next = combine(ritz.c, w, k)
        w.dispose()
        v.dispose()
        v = next
        await opts.onIteration?.(rec)
      }
      const flat = await v.data()
      const vectors = Array.from({ length: k }, (_, i) => {
        const row = Float32Array.from(flat.subarray(i * n, (i + 1) * n))
        // unit norm in float64, sign fixed so that the largest entry is positive (deterministic output)
        let nn = 0, big = 0
        for (let j = 0; j < n; j++) { nn += row[j]! * row[j]!; if (Math.abs(row[j]!) > Math.abs(big)) big = row[j]! }
        const scale = (big < 0 ? -1 : 1) / Math.sqrt(nn || 1)
        for (let j = 0; j < n; j++) row[j]! *= scale
        return row
      })
      const final = last as Ritz
      return {
        eigenvalues: final.theta.map((t) => sigma * sigma * t),
        theta: final.theta,
        vectors,
        residuals: final.residuals,
        iterations: history.length,
        history,
      }
    } finally {
      v.dispose()
    }
  } finally {
    mask.dispose()
  }
}

/** A 0/1 mask over a [C, H, W] image selecting rows y0..y1−1 and columns x0..x1−1 in every channel. */
export function rectMask(shape: readonly [number, number, number], rect: { x0: number; y0: number; x1: number; y1: number }): Float32Array {
  const [c, h, w] = shape
  const m = new Float32Array(c * h * w)
  for (let ch = 0; ch < c; ch++) for (let y = Math.max(0, rect.y0); y < Math.min(h, rect.y1); y++) for (let x = Math.max(0, rect.x0); x < Math.min(w, rect.x1); x++) m[(ch * h + y) * w + x] = 1
  return m
}
