// Worker side of the studio: the ONNX denoiser executed by tfjs (exact VJPs, or finite differences when the
// run asks), every method on one problem, snapshots streamed to the page.
import { backendReady, jobs, tf } from './runtime'
import type { StudioApi } from './studioApi'
import { onnxDenoiser } from './onnxModels'
import { previewProblem, runStudio } from '../core/studio/run'
import { yieldToEvents } from './jobs'

/** Waits for the backend and checks that the image fits the model's shape; returns that shape. */
async function ready(req: { image: Float32Array; shape: [number, number, number] }): Promise<[number, number, number]> {
  await backendReady
  const [c, h, w] = req.shape
  if (req.image.length !== c * h * w) throw new Error(`the image has ${req.image.length} values; the model needs ${c}×${h}×${w}`)
  return req.shape
}

export const studioApi: StudioApi = {
  async previewStudio(req) {
    await ready(req)
    return previewProblem(req.image, req.shape, req.config)
  },
  async runStudio(jobId, req, onObservation, onRound, onMethodDone) {
    const [c, h, w] = await ready(req)
    const den = await onnxDenoiser(req.onnxUrl, req.shape)
    // fold the graph's constants for this batch size outside the job (cached tensors are not a leak)
    tf.tidy(() => den.denoise(tf.zeros([req.config.samples, c, h, w]), 1)).dispose()
    const x0 = tf.zeros([req.config.samples, c, h, w])
    const lin = den.linearize(x0, 1)
    tf.dispose([lin.vjp(lin.denoised), x0])
    lin.dispose()
    await jobs.run(jobId, (signal) =>
      runStudio(den, req.image, req.shape, req.config, {
        signal,
        images: req.images,
        onObservation,
        onRound: async (r) => {
          onRound(r)
          await yieldToEvents()
        },
        onMethodDone,
      }),
    )
    return { backend: tf.getBackend() }
  },
}
