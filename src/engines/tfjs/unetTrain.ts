// M-step training of the U-Net denoiser (algorithms.md §1.4, §4.2): t ~ Beta(3, 3), σ_t = σ(t),
// loss = mean_b λ_t · mean_i (D(x + σz)_i − x_i)² with λ_t = 1/σ² + 1; Adam (0.9, 0.999, 1e-8) after
// clip_by_global_norm(clip); LR linear lrInit → lrEnd over the lap (constant when equal, as [D]'s CIFAR 2e-4).
// Adam state is re-initialised every call (= every lap, §4.2); the parameters carry over (warm start).
// Same loop as trainMlp.ts, over the U-Net's named parameters. With `ema` (a decay, e.g. 0.99) an exponential
// moving average of the weights, started at the lap's warm start, is kept during the lap and REPLACES the
// parameters at its end: the E-step and the samples use the averaged weights, and the next lap warm-starts from
// them (so a lap's stored weights are all a resume needs).
import * as tf from '@tensorflow/tfjs-core'
import { clippedAdamStep } from './adam'
import { drawBatch, linearLr } from './trainBatch'
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core'
import { parameterShapes, unetDenoise, type UnetConfig, type UnetParams } from './unet'
import { fillNormal, mulberry32 } from '../../core/linalg/random'
import type { TrainConfig, TrainProgress } from './trainMlp'

export interface UnetTrainConfig extends TrainConfig {
  /** EMA decay of the weights in (0, 1); 0 or absent: none. */
  ema?: number
}

/** The §1.4 loss of D on a clean batch x [B, 784] at per-sample σ [B] and noise z [B, 784]. */
export function denoiserLoss(c: UnetConfig, p: UnetParams, x: Tensor, sigma: Tensor, z: Tensor): Tensor {
  return tf.tidy(() => {
    const s = tf.reshape(sigma, [-1, 1])
    const d = unetDenoise(c, p, tf.add(x, tf.mul(z, s)), sigma)
    const lambda = tf.add(tf.reciprocal(tf.square(sigma)), 1)
    return tf.mean(tf.mul(lambda, tf.mean(tf.square(tf.sub(d, x)), 1)))
  })
}

/** Trains `params` in place (tensors replaced, old ones disposed) on `data` [N, 784]; returns window-mean losses. */
export async function trainUnet(
  c: UnetConfig,
  params: UnetParams,
  data: Tensor2D,
  cfg: UnetTrainConfig,
  onProgress: (p: TrainProgress) => void,
  signal?: AbortSignal,
): Promise<number[]> {
  const n = data.shape[0]
  const dim = data.shape[1]
  const u = mulberry32(cfg.seed)
  const names = parameterShapes(c).map(([name]) => name)
  const vars: Tensor[] = names.map((name) => params.get(name)!)
  let m: Tensor[] = vars.map((v) => tf.zerosLike(v))
  let v2: Tensor[] = vars.map((v) => tf.zerosLike(v))
  const losses: number[] = []
  let window: Tensor = tf.scalar(0)
  const zbuf = new Float32Array(cfg.batch * dim)
  const decay = cfg.ema ?? 0
  if (!(decay >= 0 && decay < 1)) throw new Error(`EMA decay must be in [0, 1), got ${decay}`)
  let ema: Tensor[] = decay > 0 ? vars.map((v) => tf.clone(v)) : []
  try {
    for (let step = 0; step < cfg.steps; step++) {
      signal?.throwIfAborted()
      const { idx, sigma: sig } = drawBatch(u, n, cfg.batch, cfg.schedule)
      fillNormal(zbuf, u)
      const lr = linearLr(cfg.lrInit, cfg.lrEnd, step, cfg.steps)
      const next = tf.tidy(() => {
        const x = tf.gather(data, tf.tensor1d(idx, 'int32'))
        const sigma = tf.tensor1d(sig)
        const z = tf.tensor2d(zbuf, [cfg.batch, dim])
        const f = (...ps: Tensor[]): Tensor => denoiserLoss(c, new Map(names.map((name, i) => [name, ps[i]!])), x, sigma, z)
        const { value, grads } = tf.valueAndGrads(f)(vars)
        return { ...clippedAdamStep(grads, vars, m, v2, lr, step + 1, cfg.clip), loss: tf.add(window, value) }
      })
      tf.dispose([...m, ...v2, ...vars, window])
      m = next.newM
      v2 = next.newV
      window = next.loss
      next.newP.forEach((p, i) => { vars[i] = p; params.set(names[i]!, p) })
      if (decay > 0) {
        const old = ema
        ema = tf.tidy(() => old.map((e, i) => tf.add(tf.mul(e, decay), tf.mul(vars[i]!, 1 - decay))))
        tf.dispose(old)
      }
      const done = step + 1
      if (done % cfg.readEvery === 0 || done === cfg.steps) {
        const count = done % cfg.readEvery === 0 ? cfg.readEvery : done % cfg.readEvery
        const loss = (await window.data())[0]! / count
        window.dispose()
        window = tf.scalar(0)
        losses.push(loss)
        if (!Number.isFinite(loss)) throw new Error(`U-Net training diverged at step ${done}: loss ${loss}`)
        onProgress({ step: done, steps: cfg.steps, loss })
        await new Promise((resolve) => setTimeout(resolve, 0)) // let a cancel message in
      }
    }
    if (decay > 0) {
      ema.forEach((e, i) => { vars[i]!.dispose(); vars[i] = e; params.set(names[i]!, e) })
      ema = []
    }
    return losses
  } finally {
    tf.dispose([...m, ...v2, window, ...ema])
  }
}
