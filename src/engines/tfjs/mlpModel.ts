// The MLP as a TrainableDenoiser for DiEM: the E-step's forward and VJP are mlpLinearize's hand-written pair
// (one σ per batch; about half the kernels of the tape, docs/manifold-retune.md §5); training is trainMlp.
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core'
import type { Cost, Denoiser, Linearization } from '../../core/types'
import { CostCounter } from '../../core/denoisers/cost'
import type { TrainableDenoiser, TrainSettings } from '../../core/em/diem'
import type { VESchedule } from '../../core/diffusion/schedule'
import { disposeMlpPrepared, disposeParams, exportWeights, importWeights, initMlp, mlpLinearize, prepareMlp, type MlpConfig, type MlpParams, type MlpWeights } from './mlp'
import { trainMlp } from './trainMlp'

/** The current weights of an MlpModel as a Denoiser. The re-arranged weights (6 small slices/transposes) are
 * made per call and freed with it, so nothing outlives a lap (runManifold's leak check) and training may replace
 * the weights at any time. */
class MlpDenoiser implements Denoiser {
  readonly name = 'mlp'
  readonly jacobian = 'autodiff' as const
  readonly sampleShape: readonly number[]
  private readonly counter = new CostCounter()

  constructor(private readonly config: MlpConfig, private readonly params: () => MlpParams) {
    this.sampleShape = [config.features]
  }

  get cost(): Cost { return this.counter.snapshot() }
  resetCost(): void { this.counter.reset() }

  denoise(x: Tensor, sigma: number): Tensor {
    this.counter.forward++
    const p = this.params()
    const q = prepareMlp(this.config, p)
    try {
      return mlpLinearize(this.config, p, q, x as Tensor2D, sigma, false).denoised
    } finally {
      disposeMlpPrepared(q)
    }
  }

  linearize(x: Tensor, sigma: number): Linearization {
    this.counter.forward++
    const p = this.params()
    const q = prepareMlp(this.config, p)
    const lin = mlpLinearize(this.config, p, q, x as Tensor2D, sigma)
    const counter = this.counter
    return {
      denoised: lin.denoised,
      vjp: (v) => { counter.vjp++; return lin.vjp(v) },
      dispose: () => { lin.dispose(); disposeMlpPrepared(q) },
    }
  }
}

export class MlpModel implements TrainableDenoiser {
  readonly denoiser: Denoiser
  private params: MlpParams

  constructor(readonly config: MlpConfig, private readonly schedule: VESchedule, init: MlpWeights | number) {
    this.params = typeof init === 'number' ? initMlp(config, init) : importWeights(init)
    this.denoiser = new MlpDenoiser(config, () => this.params)
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
