// Worker side of the Posterior-PCs page: the ONNX denoiser executed by tfjs (the studio's exact VJP engine,
// src/engines/onnx/diff), subspace iteration from src/core/pcs, progress per iteration, cancellable.
import { backendReady, tf } from './runtime'
import { onCurrentBackend, runJob } from './backendService'
import { unetWorkload } from './workloads'
import { onnxDenoiser } from './onnxModels'
import { yieldToEvents } from './jobs'
import type { PcJacobian, PcRect, PcsApi, PcsObservationRequest, PcsProgress, PcsResult, TweediePcsRequest } from './pcsApi'
import { fillNormal, mulberry32 } from '../core/linalg/random'
import { jacobianProducts, type JacobianProducts } from '../core/pcs/products'
import { posteriorPcs, rectMask } from '../core/pcs/subspace'
import { clampedDenoiser } from '../core/pcs/clamped'
import { marginalMoments } from '../core/pcs/moments'
import { fitMaxEnt } from '../core/pcs/maxent'

function check(req: PcsObservationRequest): void {
  const [c, h, w] = req.shape
  if (req.image.length !== c * h * w) throw new Error(`the image has ${req.image.length} values; the model needs ${c}×${h}×${w}`)
  if (!(req.sigma > 0) || !Number.isFinite(req.sigma)) throw new Error(`σ must be a positive number, got ${req.sigma}`)
}

function noisy(req: PcsObservationRequest): Float32Array {
  const z = fillNormal(new Float32Array(req.image.length), mulberry32(req.seed))
  return req.image.map((v, i) => v + req.sigma * z[i]!)
}

interface JobSpec {
  onnxUrl: string
  shape: [number, number, number]
  sigma: number
  seed: number
  k: number
  iters: number
  jacobian: PcJacobian
  rect: PcRect
  marginals: boolean
  /** Replaces the products of σ²J by others (e.g. conditioned on y); owns and disposes the base. */
  wrap?: (p: JacobianProducts) => JacobianProducts
  /** D composed with clamp(·, lo, hi) and its Jacobian, as the studio's methods use it. */
  clamp?: [number, number]
}

/** Subspace iteration at x_t (and optionally the four moments + max-ent fit along each PC) as job `jobId`. */
async function pcsJob(jobId: string, spec: JobSpec, xtData: Float32Array, onProgress: (p: PcsProgress) => void): Promise<PcsResult> {
  const [c, h, w] = spec.shape
  const { k, iters, rect, sigma } = spec
  if (xtData.length !== c * h * w) throw new Error(`x_t has ${xtData.length} values; the model needs ${c}×${h}×${w}`)
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`σ must be a positive number, got ${sigma}`)
  if (!Number.isInteger(k) || k < 1 || k > 8) throw new Error(`k must be an integer from 1 to 8, got ${k}`)
  if (!Number.isInteger(iters) || iters < 1 || iters > 500) throw new Error(`iterations must be an integer from 1 to 500, got ${iters}`)
  if (!(rect.x0 >= 0 && rect.y0 >= 0 && rect.x1 <= w && rect.y1 <= h && rect.x1 > rect.x0 && rect.y1 > rect.y0)) throw new Error(`the patch (${rect.x0},${rect.y0})–(${rect.x1},${rect.y1}) is not inside the ${w}×${h} image`)
  if (c * (rect.x1 - rect.x0) * (rect.y1 - rect.y0) < k) throw new Error(`the patch holds fewer than k = ${k} values; make it larger`)
  let prepared: ReturnType<typeof clampedDenoiser> | undefined
  // on the backend the job's workload measured fastest, held until the job ends; the graph is built and its
  // constants folded in `prepare`, outside the job's tensor count (cached tensors are not a leak)
  return runJob(jobId, {
    label: 'posterior PCs',
    workload: () => unetWorkload('posterior PCs', spec.onnxUrl, spec.shape, k),
    prepare: async () => {
      const raw = await onnxDenoiser(spec.onnxUrl, spec.shape)
      const den = spec.clamp ? clampedDenoiser(raw, spec.clamp) : raw
      prepared = den
      // fold the graph's constants for the batch sizes the job uses, outside the job (cached tensors are not a leak)
      tf.tidy(() => { den.denoise(tf.zeros([k, c, h, w]), sigma); den.denoise(tf.zeros([1, c, h, w]), sigma); if (spec.marginals) den.denoise(tf.zeros([6, c, h, w]), sigma) })
      if (spec.jacobian === 'exact') {
        const x0 = tf.zeros([k, c, h, w])
        const lin = den.linearize(x0, sigma)
        tf.dispose([lin.vjp(lin.denoised), x0])
        lin.dispose()
      }
    },
  }, async (signal): Promise<PcsResult> => {
    const den = prepared!
    const t0 = performance.now()
    const cost0 = { ...den.cost }
    const xt = tf.tensor(xtData, [1, c, h, w])
    const mask = tf.tensor(rectMask(spec.shape, rect), [1, c, h, w])
    const base = jacobianProducts(den, xt, sigma, k, spec.jacobian)
    const products = spec.wrap ? spec.wrap(base) : base
    try {
      const r = await posteriorPcs(products, {
        k, iters, sigma, seed: spec.seed + 1, mask, signal,
        onIteration: async (it) => {
          onProgress({ iteration: it.iteration, iterations: it.iterations, eigenvalues: it.theta.map((t) => sigma * sigma * t), residuals: it.residuals })
          await yieldToEvents()
        },
      })
      const marginals = []
      if (spec.marginals) {
        for (const v of r.vectors) {
          signal.throwIfAborted()
          const m = await marginalMoments(den, xt, products.denoised, v, sigma)
          marginals.push({ moments: m, fit: fitMaxEnt(m) })
          await yieldToEvents()
        }
      }
      const denoised = (await products.denoised.data()) as Float32Array
      return {
        xt: xtData, denoised,
        eigenvalues: r.eigenvalues, theta: r.theta, vectors: r.vectors, residuals: r.residuals,
        residualHistory: r.history.map((hh) => Math.max(...hh.residuals)), iterations: r.iterations,
        marginals, jacobian: spec.jacobian, fdStep: products.step,
        seconds: (performance.now() - t0) / 1000, backend: tf.getBackend(),
        cost: { forward: den.cost.forward - cost0.forward, vjp: den.cost.vjp - cost0.vjp },
      }
    } finally {
      products.dispose()
      tf.dispose([xt, mask])
    }
  })
}

/** Tweedie PCs at a given x_t over the whole image, optionally with a clamped D and wrapped products (the studio's conditioned ones). */
export async function tweedieJob(jobId: string, req: TweediePcsRequest, onProgress: (p: PcsProgress) => void, opts: Pick<JobSpec, 'wrap' | 'clamp'> = {}): Promise<PcsResult> {
  await backendReady
  const [, h, w] = req.shape
  return pcsJob(jobId, { ...req, rect: { x0: 0, y0: 0, x1: w, y1: h }, marginals: false, ...opts }, req.xt, onProgress)
}

export const pcsApi: PcsApi = {
  async pcsObservation(req) {
    await backendReady
    check(req)
    return onCurrentBackend('posterior PCs preview', async () => {
      const den = await onnxDenoiser(req.onnxUrl, req.shape)
      const xt = noisy(req)
      const t0 = performance.now()
      const y = tf.tidy(() => den.denoise(tf.tensor(xt, [1, ...req.shape]), req.sigma))
      const denoised = (await y.data().finally(() => y.dispose())) as Float32Array
      if (!denoised.every(Number.isFinite)) throw new Error('the denoiser returned NaN or infinite values')
      return { xt, denoised, ms: performance.now() - t0 }
    })
  },

  async runPcs(jobId, req, onProgress) {
    await backendReady
    check(req)
    return pcsJob(jobId, { ...req, marginals: true }, noisy(req), onProgress)
  },

  tweediePcs: (jobId, req, onProgress) => tweedieJob(jobId, req, onProgress),
}
