// The MLP as a TrainableDenoiser for DiEM: tfjs autodiff gives the E-step's VJP; training is trainMlp.
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core'
import { AutodiffDenoiser } from '../../core/denoisers/autodiff'
import type { TrainableDenoiser, TrainSettings } from '../../core/em/diem'
import type { VESchedule } from '../../core/diffusion/schedule'
import { disposeParams, exportWeights, importWeights, initMlp, mlpDenoise, type MlpConfig, type MlpParams, type MlpWeights } from './mlp'
import { trainMlp } from './trainMlp'

export class MlpModel implements TrainableDenoiser {
  readonly denoiser: AutodiffDenoiser
  private params: MlpParams

  constructor(readonly config: MlpConfig, private readonly schedule: VESchedule, init: MlpWeights | number) {
    this.params = typeof init === 'number' ? initMlp(config, init) : importWeights(init)
    this.denoiser = new AutodiffDenoiser('mlp', [config.features], (x: Tensor, sigma: number) =>
      mlpDenoise(this.config, this.params, x, tf.fill([x.shape[0]!], sigma), false),
    )
  }

  train(data: Tensor2D, s: TrainSettings, seed: number, onProgress: (fraction: number, loss: number) => void, signal?: AbortSignal): Promise<number[]> {
    const readEvery = Math.max(1, Math.min(50, Math.floor(s.steps / 10)))
    return trainMlp(this.config, this.params, data, { ...s, clip: 1, schedule: this.schedule, seed, readEvery }, (p) => onProgress(p.step / p.steps, p.loss), signal)
  }

  weights(): Promise<MlpWeights> {
    return exportWeights(this.config, this.params)
  }

  dispose(): void {
    disposeParams(this.params)
  }
}
