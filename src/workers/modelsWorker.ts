// Worker side of the Models page. Sampling runs as a job on the backend the model measured fastest
// (backendService) and keeps it until it ends; the demo holds the current backend while it runs.
import { backendReady, tf } from './runtime'
import type { DenoiseDemoRequest, DenoiseDemoResult, ModelsApi, SampleProgress, SampleRequest, SampleResult } from './modelsApi'
import { onnxDenoiser, ortExclusive, ortSession } from './onnxModels'
import { ort } from '../engines/onnx/ortWeb'
import type { Denoiser } from '../core/types'
import { isLearnedUrl } from './learnedModels'
import { sample } from '../core/diffusion/sampler'
import { psnr, toUnit } from '../core/metrics/image'
import { yieldToEvents } from './jobs'
import { jobStep, onCurrentBackend, runJob } from './backendService'
import { unetWorkload } from './workloads'

function noiseOf(n: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal([n], 0, 1, 'float32', seed).dataSync() as Float32Array)
}

async function denoiseDemo(req: DenoiseDemoRequest): Promise<DenoiseDemoResult> {
  const [c, h, w] = req.shape
  if (req.image.length !== c * h * w) throw new Error(`the image has ${req.image.length} values, the model needs ${c}×${h}×${w}`)
  if (!(req.sigma > 0)) throw new Error('σ must be positive')
  const z = noiseOf(req.image.length, req.seed)
  const noisy = req.image.map((v, i) => v + req.sigma * z[i]!)
  const t0 = performance.now()
  let denoised: Float32Array
  let engine: string
  // a learned U-Net has no ONNX graph: it always runs in tfjs
  if (req.engine === 'onnxruntime-web' && !isLearnedUrl(req.onnxUrl)) {
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
    engine = isLearnedUrl(req.onnxUrl) ? `tfjs (${tf.getBackend()}), the learned U-Net` : `tfjs (${tf.getBackend()}), ONNX graph executed op by op`
  }
  if (!denoised.every(Number.isFinite)) throw new Error('the denoiser returned NaN or infinite values')
  return { noisy, denoised, psnrNoisy: psnr(toUnit(req.image), toUnit(noisy)), psnrDenoised: psnr(toUnit(req.image), toUnit(denoised)), ms: performance.now() - t0, engine }
}

async function sampleWith(den: Denoiser, jobId: string, req: SampleRequest, signal: AbortSignal, onProgress: (p: SampleProgress) => void): Promise<SampleResult> {
  den.resetCost()
  const t0 = performance.now()
  const x = await sample((xt, ctx) => den.denoise(xt, ctx.sigma), [req.count, ...req.shape], {
    steps: req.steps,
    sampler: req.sampler,
    seed: req.seed,
    signal,
    callbackEvery: Math.max(1, Math.round(req.steps / 12)),
    onStep: async (info) => {
      jobStep(jobId, info.step, info.steps)
      onProgress({ step: info.step, steps: info.steps, sigma: info.sigma, xt: (await info.x.data()) as Float32Array, denoised: (await info.denoised.data()) as Float32Array })
      await yieldToEvents()
    },
  })
  const samples = (await x.data()) as Float32Array
  x.dispose()
  if (!samples.every(Number.isFinite)) throw new Error('sampling diverged: the samples contain NaN or infinite values')
  return { samples, seconds: (performance.now() - t0) / 1000, forwardPasses: den.cost.forward, backend: tf.getBackend() }
}

export const modelsApi: ModelsApi = {
  async denoiseDemo(req) {
    await backendReady
    return onCurrentBackend('Models denoising demo', () => denoiseDemo(req))
  },

  async sampleModel(jobId, req, onProgress) {
    let den: Denoiser | undefined
    return runJob(jobId, {
      label: 'Models sample',
      workload: () => unetWorkload(req.model ?? 'the model', req.onnxUrl, req.shape, req.count),
      // Build the graph and fold its constants for this batch shape before the job's tensor count, so that
      // the cached tensors are not counted as the job's (the registry checks that a job frees what it allocates).
      prepare: async () => {
        den = await onnxDenoiser(req.onnxUrl, req.shape)
        tf.tidy(() => den!.denoise(tf.zeros([req.count, ...req.shape]), 1)).dispose()
      },
    }, (signal) => sampleWith(den!, jobId, req, signal, onProgress))
  },
}
