// The U-Net as a Denoiser (jacobian 'autodiff': one forward per linearize, one backward per VJP, only the
// input gradient) plus its M-step — what the image EM loop injects, like mlpModel.ts for the manifold lab.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor2D } from '@tensorflow/tfjs-core'
import { AutodiffDenoiser } from '../../core/denoisers/autodiff'
import type { VESchedule } from '../../core/diffusion/schedule'
import { disposeUnet, exportUnet, importUnet, initUnet, PIXELS, SIDE, unetDenoise, type UnetConfig, type UnetParams, type UnetWeights } from './unet'
import { trainUnet } from './unetTrain'

export interface UnetTrainSettings {
  steps: number
  batch: number
  lrInit: number
  lrEnd: number
  /** EMA decay of the weights during a lap (unetTrain.ts); the lap ends on the averaged weights. */
  ema?: number
}

/**
 * The U-Net as a denoiser of NCHW [1, 28, 28] images in the studio's units [−2, 2] (x_studio = 2·x):
 * D_studio(x, σ) = 2 · D(x / 2, σ / 2), an exact change of units (the Jacobian is the same).
 */
export function studioUnetDenoiser(name: string, config: UnetConfig, params: UnetParams): AutodiffDenoiser {
  return new AutodiffDenoiser(name, [1, SIDE, SIDE], (x, sigma) => {
    const b = x.shape[0]!
    const d = unetDenoise(config, params, tf.reshape(tf.mul(x, 0.5), [b, PIXELS]), tf.fill([b], sigma / 2), false)
    return tf.reshape(tf.mul(d, 2), x.shape)
  })
}

/**
 * A U-Net from its flat weights as the studio's denoiser (studioUnetDenoiser), owning its parameters: what the
 * worker builds for a learned model (src/workers/learnedModels.ts) and what `npm run bench:em-studio` runs.
 */
export function studioUnetFromWeights(name: string, w: UnetWeights): AutodiffDenoiser & { dispose(): void } {
  const params = importUnet(w)
  return Object.assign(studioUnetDenoiser(name, w.config, params), { dispose: () => disposeUnet(params) })
}

export class UnetModel {
  readonly params: UnetParams
  readonly denoiser: AutodiffDenoiser

  constructor(readonly config: UnetConfig, readonly schedule: VESchedule, init: number | UnetWeights) {
    this.params = typeof init === 'number' ? initUnet(config, init) : importUnet(init)
    this.denoiser = new AutodiffDenoiser('tfjs-unet', [PIXELS], (x, sigma) => unetDenoise(config, this.params, x, tf.fill([x.shape[0]!], sigma), false))
  }

  /** One M-step on `data` [N, 784] (warm start: the current parameters); returns the loss curve. */
  train(data: Tensor2D, s: UnetTrainSettings, seed: number, onProgress: (fraction: number, loss: number) => void, signal?: AbortSignal): Promise<number[]> {
    return trainUnet(this.config, this.params, data, {
      steps: s.steps, batch: s.batch, lrInit: s.lrInit, lrEnd: s.lrEnd, ema: s.ema, clip: 1, schedule: this.schedule, seed,
      readEvery: Math.max(1, Math.floor(s.steps / 10)),
    }, (p) => onProgress(p.step / p.steps, p.loss), signal)
  }

  weights(): Promise<UnetWeights> { return exportUnet(this.config, this.params) }
  dispose(): void { disposeUnet(this.params) }
}
