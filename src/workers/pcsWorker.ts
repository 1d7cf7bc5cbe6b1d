// Worker side of the Posterior-PCs page: the ONNX denoiser executed by tfjs (the studio's exact VJP engine,
// src/engines/onnx/diff), subspace iteration from src/core/pcs, progress per iteration, cancellable.
import { backendReady, jobs, tf } from './runtime'
import { onnxDenoiser } from './onnxModels'
import { yieldToEvents } from './jobs'
import type { PcsApi, PcsObservationRequest, PcsResult } from './pcsApi'
import { fillNormal, mulberry32 } from '../core/linalg/random'
import { jacobianProducts } from '../core/pcs/products'
import { posteriorPcs, rectMask } from '../core/pcs/subspace'
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

export const pcsApi: PcsApi = {
  async pcsObservation(req) {
    await backendReady
    check(req)
    const den = await onnxDenoiser(req.onnxUrl, req.shape)
    const xt = noisy(req)
    const t0 = performance.now()
    const y = tf.tidy(() => den.denoise(tf.tensor(xt, [1, ...req.shape]), req.sigma))
    const denoised = (await y.data()) as Float32Array
    y.dispose()
    if (!denoised.every(Number.isFinite)) throw new Error('the denoiser returned NaN or infinite values')
    return { xt, denoised, ms: performance.now() - t0 }
  },

  async runPcs(jobId, req, onProgress) {
    await backendReady
    check(req)
    const [c, h, w] = req.shape
    const { k, iters, rect } = req
    if (!Number.isInteger(k) || k < 1 || k > 8) throw new Error(`k must be an integer from 1 to 8, got ${k}`)
    if (!Number.isInteger(iters) || iters < 1 || iters > 500) throw new Error(`iterations must be an integer from 1 to 500, got ${iters}`)
    if (!(rect.x0 >= 0 && rect.y0 >= 0 && rect.x1 <= w && rect.y1 <= h && rect.x1 > rect.x0 && rect.y1 > rect.y0)) throw new Error(`the patch (${rect.x0},${rect.y0})–(${rect.x1},${rect.y1}) is not inside the ${w}×${h} image`)
    if (c * (rect.x1 - rect.x0) * (rect.y1 - rect.y0) < k) throw new Error(`the patch holds fewer than k = ${k} values; make it larger`)
    const den = await onnxDenoiser(req.onnxUrl, req.shape)
    // fold the graph's constants for the batch sizes the job uses, outside the job (cached tensors are not a leak)
    tf.tidy(() => { den.denoise(tf.zeros([k, c, h, w]), req.sigma); den.denoise(tf.zeros([6, c, h, w]), req.sigma); den.denoise(tf.zeros([1, c, h, w]), req.sigma) })
    if (req.jacobian === 'exact') {
      const x0 = tf.zeros([k, c, h, w])
      const lin = den.linearize(x0, req.sigma)
      tf.dispose([lin.vjp(lin.denoised), x0])
      lin.dispose()
    }
    const xtData = noisy(req)
    return jobs.run(jobId, async (signal): Promise<PcsResult> => {
      const t0 = performance.now()
      const cost0 = { ...den.cost }
      const xt = tf.tensor(xtData, [1, c, h, w])
      const mask = tf.tensor(rectMask(req.shape, rect), [1, c, h, w])
      const products = jacobianProducts(den, xt, req.sigma, k, req.jacobian)
      try {
        const r = await posteriorPcs(products, {
          k, iters, sigma: req.sigma, seed: req.seed + 1, mask, signal,
          onIteration: async (it) => {
            onProgress({ iteration: it.iteration, iterations: it.iterations, eigenvalues: it.theta.map((t) => req.sigma * req.sigma * t), residuals: it.residuals })
            await yieldToEvents()
          },
        })
        const marginals = []
        for (const v of r.vectors) {
          signal.throwIfAborted()
          const m = await marginalMoments(den, xt, products.denoised, v, req.sigma)
          marginals.push({ moments: m, fit: fitMaxEnt(m) })
          await yieldToEvents()
        }
        const denoised = (await products.denoised.data()) as Float32Array
        return {
          xt: xtData, denoised,
          eigenvalues: r.eigenvalues, theta: r.theta, vectors: r.vectors, residuals: r.residuals,
          residualHistory: r.history.map((hh) => Math.max(...hh.residuals)), iterations: r.iterations,
          marginals, jacobian: req.jacobian, fdStep: products.step,
          seconds: (performance.now() - t0) / 1000, backend: tf.getBackend(),
          cost: { forward: den.cost.forward - cost0.forward, vjp: den.cost.vjp - cost0.vjp },
        }
      } finally {
        products.dispose()
        tf.dispose([xt, mask])
      }
    })
  },
}
