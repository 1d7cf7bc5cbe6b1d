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
import { UnetModel } from '../engines/tfjs/unetModel'
import { PIXELS, type UnetConfig } from '../engines/tfjs/unet'
import type { VESchedule } from '../core/diffusion/schedule'

/** What to build, as plain data (it crosses to the measuring worker). */
export type WorkloadRecipe =
  | { kind: 'general' }
  | { kind: 'unet'; shape: [number, number, number]; batch: number; bytes: Uint8Array }
  | { kind: 'mlp'; config: ManifoldConfig }
  /** trainBatch 0: a denoiser only (the studio), no training step. */
  | { kind: 'tfjs-unet'; unet: UnetConfig; schedule: VESchedule; train: { batch: number; lrInit: number; lrEnd: number }; chunk: number }

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
      return trainAndSampleStep(model, MANIFOLD_DIM, c.train, c.estep.chunk, c.estep.cgIters)
    }
    case 'tfjs-unet': {
      const model = new UnetModel(r.unet, r.schedule, 0)
      return trainAndSampleStep(model, PIXELS, r.train, r.chunk, 1)
    }
  }
}

interface TrainableModel {
  readonly denoiser: { linearize(x: tf.Tensor, sigma: number): { denoised: tf.Tensor; vjp(v: tf.Tensor): tf.Tensor; dispose(): void } }
  train(data: Tensor2D, s: { steps: number; batch: number; lrInit: number; lrEnd: number }, seed: number, onProgress: () => void): Promise<number[]>
  dispose(): void
}

/** One training step (Adam; skipped when the batch is 0) + one sampler step: a forward and cgIters + 1 VJPs at the E-step chunk, as MMPS does. */
function trainAndSampleStep(model: TrainableModel, dim: number, train: { batch: number; lrInit: number; lrEnd: number }, chunk: number, cgIters: number): WorkloadStep {
  const data = tf.randomNormal([Math.max(train.batch, 256), dim], 0, 1, 'float32', 1) as Tensor2D
  const x = tf.randomNormal([chunk, dim], 0, 1, 'float32', 2)
  return {
    run: async () => {
      if (train.batch > 0) await model.train(data, { ...train, steps: 1 }, 0, () => undefined)
      const lin = model.denoiser.linearize(x, 1)
      try {
        let v = lin.vjp(lin.denoised)
        for (let k = 0; k < cgIters; k++) {
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
