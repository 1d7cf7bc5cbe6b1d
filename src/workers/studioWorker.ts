// Worker side of the studio: the ONNX denoiser executed by tfjs (exact VJPs, or finite differences when the
// run asks), every method on one problem, snapshots streamed to the page. The run goes on the backend its
// model measured fastest (backendService) and keeps it until it ends.
import { backendReady, tf } from './runtime'
import type { StudioApi } from './studioApi'
import { onnxDenoiser } from './onnxModels'
import { previewProblem, runStudio } from '../core/studio/run'
import { yieldToEvents } from './jobs'
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
  async runStudio(jobId, req, onObservation, onSnapshot, onMethodDone) {
    const [c, h, w] = await ready(req)
    const batch = req.config.samples
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
        onObservation,
        onSnapshot: async (s) => {
          jobStep(jobId, s.step, s.steps, methods[s.method] ? `${methods[s.method]!.name}, method ${s.method + 1} of ${methods.length}` : undefined)
          onSnapshot(s)
          await yieldToEvents()
        },
        onMethodDone: async (r) => {
          // a method that failed because the GPU went away says so, not the device's raw error
          if (r.status === 'failed' && on === 'webgpu' && !stoppedByLostGpu(signal)) await sleep(100)
          onMethodDone(stoppedByLostGpu(signal) && r.status !== 'done' ? { ...r, status: 'cancelled', error: 'stopped: the GPU was lost' } : r)
        },
      })
    })
    return { backend: backend ?? tf.getBackend() }
  },
}
