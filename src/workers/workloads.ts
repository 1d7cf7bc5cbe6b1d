// The workloads the backend is measured on (issue 11 item 1): each builds one real step on the current
// backend. U-Net: one forward + one VJP of the loaded model at the run's batch. Manifold MLP: one training
// step (Adam) + one sampler step (a forward and cgIters + 1 VJPs at the E-step chunk, as MMPS does). Start-up:
// the Diagnostics tiny conv net and its gradient (the small work pages do before a model is chosen).
// The analytic toy computes in plain float64 JavaScript on no tfjs backend, so it is not measured.
import type { Tensor2D } from '@tensorflow/tfjs-core'
import { tf } from './runtime'
import type { Workload } from './backendChoice'
import type { WorkloadStep } from './measure'
import { evictDenoisers, modelHash, onnxDenoiser } from './onnxModels'
import { MlpModel } from '../engines/tfjs/mlpModel'
import { MANIFOLD_DIM } from '../core/data/manifoldTask'
import type { ManifoldConfig } from '../core/em/presets'
import { runTinyNet } from '../engines/diagnostics/tinyNet'

export interface WorkloadSpec {
  workload: Workload
  prepare(): Promise<WorkloadStep>
  /** Drops what prepare() cached on a backend that lost. */
  discard?(backend: string): void
}

export const startupWorkload: WorkloadSpec = {
  workload: { kind: 'general', label: 'the start-up check' },
  async prepare() {
    return { run: async () => { await runTinyNet(tf) }, dispose: () => undefined }
  },
}

export async function unetWorkload(label: string, url: string, shape: [number, number, number], batch: number): Promise<WorkloadSpec> {
  return {
    workload: { kind: 'unet', label, modelHash: await modelHash(url), shape, batch },
    async prepare() {
      const den = await onnxDenoiser(url, shape)
      const x = tf.randomNormal([batch, ...shape], 0, 1, 'float32', 1)
      return {
        run: async () => {
          const lin = den.linearize(x, 1)
          const g = lin.vjp(lin.denoised)
          try {
            await g.data()
          } finally {
            g.dispose()
            lin.dispose()
          }
        },
        dispose: () => x.dispose(),
      }
    },
    discard: (backend) => evictDenoisers(backend),
  }
}

export function mlpWorkload(c: ManifoldConfig): WorkloadSpec {
  return {
    workload: { kind: 'mlp', label: `the manifold MLP (3×${c.hidden})`, hidden: c.hidden, trainBatch: c.train.batch, chunk: c.estep.chunk },
    async prepare() {
      const model = new MlpModel({ features: MANIFOLD_DIM, hidden: c.hidden, layers: 3, embedding: 64 }, c.schedule, c.seed)
      const data = tf.randomNormal([Math.max(c.train.batch, 256), MANIFOLD_DIM], 0, 1, 'float32', 1) as Tensor2D
      const x = tf.randomNormal([c.estep.chunk, MANIFOLD_DIM], 0, 1, 'float32', 2)
      return {
        run: async () => {
          await model.train(data, { ...c.train, steps: 1 }, 0, () => undefined)
          const lin = model.denoiser.linearize(x, 1)
          try {
            let v = lin.vjp(lin.denoised)
            for (let k = 0; k < c.estep.cgIters; k++) {
              const next = lin.vjp(v)
              v.dispose()
              v = next
            }
            await v.data()
            v.dispose()
          } finally {
            lin.dispose()
          }
        },
        dispose: () => {
          model.dispose()
          tf.dispose([data, x])
        },
      }
    },
  }
}
