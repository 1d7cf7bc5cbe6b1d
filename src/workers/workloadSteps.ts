// One real step of each measured workload, built on whatever tfjs backend is current (issue 11 item 1).
// U-Net: one forward + one VJP of the loaded model at the run's batch. Manifold MLP: one training step (Adam)
// + one sampler step (a forward and cgIters + 1 VJPs at the E-step chunk, as MMPS does). Start-up: the
// Diagnostics tiny conv net and its gradient. The analytic toy computes in plain float64 JavaScript on no
// tfjs backend, so it has nothing to measure. Used by the measuring worker (measure.worker.ts).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor2D } from '@tensorflow/tfjs-core'
import { createOnnxDenoiser } from '../engines/onnx/diff'
import { MlpModel } from '../engines/tfjs/mlpModel'
import { MANIFOLD_DIM } from '../core/data/manifoldTask'
import type { ManifoldConfig } from '../core/em/presets'
import { runTinyNet } from '../engines/diagnostics/tinyNet'

/** What to build, as plain data (it crosses to the measuring worker). */
export type WorkloadRecipe =
  | { kind: 'general' }
  | { kind: 'unet'; shape: [number, number, number]; batch: number; bytes: Uint8Array }
  | { kind: 'mlp'; config: ManifoldConfig }

/** One unit of the workload on the current backend; `run` frees what it allocates. */
export interface WorkloadStep {
  run(): Promise<void>
  dispose(): void
}

export function buildStep(r: WorkloadRecipe): WorkloadStep {
  switch (r.kind) {
    case 'general':
      return { run: async () => { await runTinyNet(tf) }, dispose: () => undefined }
    case 'unet': {
      const den = createOnnxDenoiser(r.bytes, { name: 'measured', sampleShape: r.shape })
      const x = tf.randomNormal([r.batch, ...r.shape], 0, 1, 'float32', 1)
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
        dispose: () => {
          x.dispose()
          den.dispose()
        },
      }
    }
    case 'mlp': {
      const c = r.config
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
    }
  }
}
