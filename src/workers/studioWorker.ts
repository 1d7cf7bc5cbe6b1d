// Worker side of the studio: the ONNX denoiser executed by tfjs (exact VJPs, or finite differences when the
// run asks), every method on one problem, snapshots streamed to the page. The run goes on the backend its
// model measured fastest (backendService) and keeps it until it ends.
import { backendReady, tf } from './runtime'
import type { StudioApi } from './studioApi'
import { onnxDenoiser } from './onnxModels'
import { previewProblem, runStudio } from '../core/studio/run'
import { yieldToEvents } from './jobs'
import { ExactSteps } from '../core/studio/exactSteps'
import { tweedieJob } from './pcsWorker'
import { conditionedProducts } from '../core/pcs/conditioned'
import { buildOperator } from '../core/studio/problem'
import { problemSeed, type StudioConfig } from '../core/studio/config'

/** The exact x_t of the MMPS rows' first samples of the last run with images, and its configuration (a new run replaces both). */
let exact: { steps: ExactSteps; config: StudioConfig } | undefined
import { jobStep, onCurrentBackend, runJob, stoppedByLostGpu } from './backendService'
import { unetWorkload } from './workloads'

/** Waits for the backend and checks that the image fits the model's shape; returns that shape. */
async function ready(req: { image: Float32Array; shape: [number, number, number] }): Promise<[number, number, number]> {
  await backendReady
  const [c, h, w] = req.shape
  if (req.image.length !== c * h * w) throw new Error(`the image has ${req.image.length} values; the model needs ${c}×${h}×${w}`)
  return req.shape
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export const studioApi: StudioApi = {
  async previewStudio(req) {
    await ready(req)
    return onCurrentBackend('studio preview', () => previewProblem(req.image, req.shape, req.config))
  },
  async runStudio(jobId, req, onObservation, onRound, onMethodDone) {
    const [c, h, w] = await ready(req)
    const batch = req.config.samples
    const keep = req.images === false ? undefined : new ExactSteps(jobId, req.onnxUrl, req.shape, new Set(req.config.methods.flatMap((m, i) => (m.name === 'mmps' ? [i] : []))))
    if (keep) exact = { steps: keep, config: req.config }
    let den: Awaited<ReturnType<typeof onnxDenoiser>> | undefined
    let backend: string | undefined
    await runJob(jobId, {
      label: 'studio run',
      workload: () => unetWorkload(req.config.model, req.onnxUrl, req.shape, batch),
      prepare: async () => {
        den = await onnxDenoiser(req.onnxUrl, req.shape)
        // fold the graph's constants for this batch size outside the job (cached tensors are not a leak)
        tf.tidy(() => den!.denoise(tf.zeros([batch, c, h, w]), 1)).dispose()
        const x0 = tf.zeros([batch, c, h, w])
        const lin = den.linearize(x0, 1)
        tf.dispose([lin.vjp(lin.denoised), x0])
        lin.dispose()
      },
    }, async (signal, on) => {
      backend = on
      const methods = req.config.methods
      return runStudio(den!, req.image, req.shape, req.config, {
        signal,
        images: req.images,
        onExactStep: keep && ((method, step, sigma, xt) => keep.add(method, step, sigma, xt)),
        onObservation,
        onRound: async (r) => {
          jobStep(jobId, r.step, r.steps, `${methods.map((m) => m.name).join(', ')} in lockstep`)
          onRound(r)
          await yieldToEvents()
        },
        onMethodDone: async (r) => {
          // a method that failed because the GPU went away says so, not the device's raw error
          if (r.status === 'failed' && on === 'webgpu' && !stoppedByLostGpu(signal)) await sleep(100)
          // awaited: the page must hold every result before runStudio resolves and the run is saved (the callback
          // and the return value travel on different message ports)
          await onMethodDone(stoppedByLostGpu(signal) && r.status !== 'done' ? { ...r, status: 'cancelled', error: 'stopped: the GPU was lost' } : r)
        },
      })
    })
    return { backend: backend ?? tf.getBackend() }
  },
  async studioTweediePcs(jobId, req, onProgress) {
    if (!exact) throw new Error('this worker holds no studio run (a reload restores the results, not the exact x_t); run it again')
    const { steps, config } = exact
    const got = steps.get(req.runId, req.method, req.step)
    if (typeof got === 'string') throw new Error(got)
    const treq = { onnxUrl: steps.onnxUrl, shape: steps.shape, xt: got.xt, sigma: got.sigma, k: req.k, iters: req.iters, jacobian: 'exact' as const, seed: req.seed }
    const solver = config.methods[req.method]?.solver ?? 'cg'
    // the studio's methods use clamp(D, −2, 2) and its Jacobian (run.ts); so do these PCs
    const clamp: [number, number] = [-2, 2]
    if (!req.condition) return { ...(await tweedieJob(jobId, treq, onProgress, { clamp })), step: req.step, sigma: got.sigma, condition: false, solverIters: 0, solver }
    // the run's own operator (same seed as the run) and σ_y; y itself does not enter the covariance
    const A = buildOperator(config.corruption, steps.shape, problemSeed(config))
    try {
      const r = await tweedieJob(jobId, treq, onProgress, { clamp, wrap: (base) => conditionedProducts(base, A, got.sigma, config.sigmaY, req.solverIters, solver) })
      return { ...r, step: req.step, sigma: got.sigma, condition: true, solverIters: req.solverIters, solver }
    } finally {
      A.dispose()
    }
  },
}
