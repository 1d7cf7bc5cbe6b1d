// Worker side of the Models page.
import { backendReady, jobs, tf } from './runtime'
import type { ModelsApi } from './modelsApi'
import { onnxDenoiser, ortExclusive, ortSession } from './onnxModels'
import { ort } from '../engines/onnx/ortWeb'
import { sample } from '../core/diffusion/sampler'
import { psnr, toUnit } from '../core/metrics/image'
import { yieldToEvents } from './jobs'

function noiseOf(n: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal([n], 0, 1, 'float32', seed).dataSync() as Float32Array)
}

export const modelsApi: ModelsApi = {
  async denoiseDemo(req) {
    await backendReady
    const [c, h, w] = req.shape
    if (req.image.length !== c * h * w) throw new Error(`the image has ${req.image.length} values, the model needs ${c}×${h}×${w}`)
    if (!(req.sigma > 0)) throw new Error('σ must be positive')
    const z = noiseOf(req.image.length, req.seed)
    const noisy = req.image.map((v, i) => v + req.sigma * z[i]!)
    const t0 = performance.now()
    let denoised: Float32Array
    let engine: string
    if (req.engine === 'onnxruntime-web') {
      const session = await ortSession(req.onnxUrl, 'wasm')
      const out = await ortExclusive(() => session.run({
        [session.inputNames[0] ?? 'x']: new ort.Tensor('float32', noisy, [1, c, h, w]),
        [session.inputNames[1] ?? 'sigma']: new ort.Tensor('float32', new Float32Array([req.sigma]), [1]),
      }))
      const y = out[session.outputNames[0] ?? 'denoised']
      if (!y) throw new Error('the model returned no output')
      denoised = (await y.getData()) as Float32Array
      y.dispose()
      engine = 'onnxruntime-web (wasm)'
    } else {
      const den = await onnxDenoiser(req.onnxUrl, req.shape)
      const y = tf.tidy(() => den.denoise(tf.tensor4d(noisy, [1, c, h, w]), req.sigma))
      denoised = (await y.data()) as Float32Array
      y.dispose()
      engine = `tfjs (${tf.getBackend()}), ONNX graph executed op by op`
    }
    if (!denoised.every(Number.isFinite)) throw new Error('the denoiser returned NaN or infinite values')
    return { noisy, denoised, psnrNoisy: psnr(toUnit(req.image), toUnit(noisy)), psnrDenoised: psnr(toUnit(req.image), toUnit(denoised)), ms: performance.now() - t0, engine }
  },

  async sampleModel(jobId, req, onProgress) {
    await backendReady
    // Build the graph and fold its constants for this batch shape BEFORE the job, so that the cached
    // tensors are not counted as the job's (the registry checks that a job frees what it allocates).
    const den = await onnxDenoiser(req.onnxUrl, req.shape)
    tf.tidy(() => den.denoise(tf.zeros([req.count, ...req.shape]), 1)).dispose()
    return jobs.run(jobId, async (signal) => {
      den.resetCost()
      const t0 = performance.now()
      const x = await sample((xt, ctx) => den.denoise(xt, ctx.sigma), [req.count, ...req.shape], {
        steps: req.steps,
        sampler: req.sampler,
        seed: req.seed,
        signal,
        callbackEvery: Math.max(1, Math.round(req.steps / 12)),
        onStep: async (info) => {
          onProgress({ step: info.step, steps: info.steps, sigma: info.sigma, xt: (await info.x.data()) as Float32Array, denoised: (await info.denoised.data()) as Float32Array })
          await yieldToEvents()
        },
      })
      const samples = (await x.data()) as Float32Array
      x.dispose()
      if (!samples.every(Number.isFinite)) throw new Error('sampling diverged: the samples contain NaN or infinite values')
      return { samples, seconds: (performance.now() - t0) / 1000, forwardPasses: den.cost.forward, backend: tf.getBackend() }
    })
  },
}
