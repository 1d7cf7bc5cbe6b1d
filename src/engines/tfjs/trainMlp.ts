// M-step training of the MLP denoiser (algorithms.md §1.4, §4.2, §5): t ~ Beta(3,3), σ_t = σ(t),
// loss = mean_b λ_t · mean_i (D(x+σz)_i − x_i)² with λ_t = 1/σ² + 1; Adam (0.9, 0.999, 1e-8) after
// clip_by_global_norm(1.0); LR linear lr_init → lr_end over the lap (Adam state re-initialised each lap).
// Batches are drawn with replacement. The loss is read back only every `readEvery` steps. Gradients: mlpLossAndGrads'
// hand-written backward pass (the tape's autodiff of mlpDenoise gives the same numbers, mlp.test.ts); Adam: one flat
// vector (clippedAdamStepFlat, the same update as clippedAdamStep).
import * as tf from '@tensorflow/tfjs-core'
import { clippedAdamStepFlat } from './adam'
import { drawBatch, linearLr } from './trainBatch'
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core'
import { mlpLossAndGrads, type MlpConfig, type MlpParams } from './mlp'
import { mulberry32 } from '../../core/linalg/random'
import type { VESchedule } from '../../core/diffusion/schedule'

export interface TrainConfig {
  steps: number
  batch: number
  lrInit: number
  lrEnd: number
  clip: number
  schedule: VESchedule
  seed: number
  /** Read the loss back every this many steps (each read-back is a device sync). */
  readEvery: number
}

export interface TrainProgress {
  step: number
  steps: number
  loss: number
}

/**
 * Trains `params` in place (their tensors are replaced; old ones disposed) on `data` [N, d].
 * Returns the mean loss of each read-back window.
 */
export async function trainMlp(
  c: MlpConfig,
  params: MlpParams,
  data: Tensor2D,
  cfg: TrainConfig,
  onProgress: (p: TrainProgress) => void,
  signal?: AbortSignal,
): Promise<number[]> {
  const n = data.shape[0]
  const u = mulberry32(cfg.seed)
  const vars: Tensor[] = [...params.weights, ...params.biases]
  const size = vars.reduce((a, v) => a + v.size, 0)
  let m: Tensor = tf.zeros([size])
  let v2: Tensor = tf.zeros([size])
  const losses: number[] = []
  let window: Tensor = tf.scalar(0)
  try {
    for (let step = 0; step < cfg.steps; step++) {
      signal?.throwIfAborted()
      const { idx, sigma: sig } = drawBatch(u, n, cfg.batch, cfg.schedule)
      const lr = linearLr(cfg.lrInit, cfg.lrEnd, step, cfg.steps)
      const seed = Math.floor(u() * 2147483647)
      const next = tf.tidy(() => {
        const x = tf.gather(data, tf.tensor1d(idx, 'int32'))
        const sigma = tf.tensor1d(sig)
        const xt = tf.add(x, tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', seed), sigma.reshape([-1, 1])))
        const lambda = tf.add(tf.reciprocal(tf.square(sigma)), 1) as Tensor1D
        const { loss: value, grads } = mlpLossAndGrads(c, params, xt as Tensor2D, x as Tensor2D, sigma, lambda)
        return { ...clippedAdamStepFlat(grads, vars, m, v2, lr, step + 1, cfg.clip), loss: tf.add(window, value) }
      })
      tf.dispose([m, v2, ...vars, window])
      m = next.newM
      v2 = next.newV
      window = next.loss
      next.newP.forEach((p, i) => (vars[i] = p))
      const k = params.weights.length
      params.weights.splice(0, k, ...(vars.slice(0, k) as Tensor2D[]))
      params.biases.splice(0, k, ...(vars.slice(k) as MlpParams['biases']))
      const done = step + 1
      if (done % cfg.readEvery === 0 || done === cfg.steps) {
        const count = done % cfg.readEvery === 0 ? cfg.readEvery : done % cfg.readEvery
        const loss = (await window.data())[0]! / count
        window.dispose()
        window = tf.scalar(0)
        losses.push(loss)
        if (!Number.isFinite(loss)) throw new Error(`training diverged at step ${done}: loss ${loss}`)
        onProgress({ step: done, steps: cfg.steps, loss })
        await new Promise((resolve) => setTimeout(resolve, 0)) // let a cancel message in
      }
    }
    return losses
  } finally {
    tf.dispose([m, v2, window])
  }
}
