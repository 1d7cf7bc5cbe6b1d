// Image EM lab presets (issue 13). The paper's CIFAR-10 run (algorithms.md §12.2: 32 laps, DDPM 256 steps,
// 256 epochs a lap, a 3-level 128–384-channel U-Net) is scaled down to run on a 2-core CPU with tfjs-wasm:
// `tiny` for tests and the CLI target (6 laps), `default` for the page. Every size is a setting here.
import type { CorruptionSpec } from './corruption'
import type { GaussianEmSettings } from './gaussianEm'
import type { CovarianceChoice, ImageEStepSettings } from './estep'
import type { VESchedule } from '../diffusion/schedule'

export type ImageEmPreset = 'tiny' | 'default' | 'large'
export const IMAGE_EM_PRESETS_LIST: readonly ImageEmPreset[] = ['tiny', 'default', 'large']

export interface ImageEmConfig {
  preset: ImageEmPreset
  /** Observations EM learns from (taken from the 8,000 non-held-out digits). */
  observations: number
  /** Held-out digits (of 10,000) never used as observations; `evalCount` of them, corrupted, give completion PSNR. */
  heldOut: number
  evalCount: number
  corruption: CorruptionSpec
  gaussian: GaussianEmSettings
  unet: { channels: [number, number]; blocks: number; embedding: number }
  /** `firstLapSteps`: lap 1's M-step (from scratch on the Gaussian's samples) may train longer; `ema`: weight EMA decay. */
  train: { steps: number; batch: number; lrInit: number; lrEnd: number; firstLapSteps?: number; ema?: number }
  estep: ImageEStepSettings
  /** Unconditional samples per lap (the final lap's go to run.json) and their sampler steps. */
  sampleCount: number
  sampleSteps: number
  laps: number
  /** VE schedule: σ from 1e-3 to 10 (data in [−1, 1]; σ_max = 10 ≫ the data's spread, as the manifold's b = 10). */
  schedule: VESchedule
  seed: number
}

const common = {
  heldOut: 2000,
  corruption: { kind: 'pixels', missing: 0.75, sigmaY: 0.01 } satisfies CorruptionSpec,
  schedule: { a: 1e-3, b: 10 },
  sampleCount: 256,
  seed: 0,
}

// D̃ = E[x | x_t, y] lies in the digits' range [−1, 1]^784, so the E-step clamps it there. Without the clamp the
// Tweedie E-step's CG step on a briefly trained U-Net's Jacobian threw samples as far as ±363 (13 % of lap 1's
// values outside ±1.2), which the next M-step trained on: tiny, lap 6 FD 62.8 → 53.6, completion PSNR 15.1 → 16.7
// dB with the clamp (docs/bench-em-images.md). Applied to every covariance, so Table 1's comparison stays fair.
const CLAMP = { posterior: true } as const

export const IMAGE_EM_PRESETS: Record<ImageEmPreset, ImageEmConfig> = {
  tiny: {
    ...common, preset: 'tiny', observations: 512, evalCount: 64, laps: 6,
    gaussian: { rank: 32, iterations: 16, chunk: 512, cgIters: 40 },
    unet: { channels: [8, 16], blocks: 1, embedding: 16 },
    // lap 1 trains from scratch on the Gaussian's posterior samples (their FD is 137 against the Gaussian prior's
    // 205): with the laps' 300 steps its samples were worse than the Gaussian (FD 278 at 400 steps), with 1,000
    // they are better (docs/bench-em-images.md)
    train: { steps: 300, firstLapSteps: 1000, batch: 32, lrInit: 2e-3, lrEnd: 2e-4 },
    estep: { steps: 8, sampler: 'ddpm', cgIters: 1, chunk: 256, covariance: 'tweedie', clamp: CLAMP },
    sampleSteps: 16,
  },
  // sized for ≤ 15 min in the browser on a 2-core CPU (docs/bench-em-images-page.md): the U-Net of
  // models/mnist-unet (16/32), twice tiny's observations, tiny's step counts and E-step
  default: {
    ...common, preset: 'default', observations: 1024, evalCount: 128, laps: 6,
    gaussian: { rank: 32, iterations: 16, chunk: 512, cgIters: 40 },
    unet: { channels: [16, 32], blocks: 1, embedding: 32 },
    train: { steps: 300, firstLapSteps: 1000, batch: 32, lrInit: 2e-3, lrEnd: 2e-4 },
    estep: { steps: 8, sampler: 'ddpm', cgIters: 1, chunk: 512, covariance: 'tweedie', clamp: CLAMP },
    sampleSteps: 32,
  },
  // twice the channels (≈ 3× the default's time per U-Net call in Node: ≈ 1 s per forward + VJP at batch 256
  // against 270–460 ms, docs/em-images-progress.md) on twice the observations: several times the default's lap
  large: {
    ...common, preset: 'large', observations: 4096, evalCount: 256, laps: 10,
    gaussian: { rank: 32, iterations: 16, chunk: 512, cgIters: 40 },
    unet: { channels: [32, 64], blocks: 1, embedding: 32 },
    train: { steps: 800, batch: 64, lrInit: 1e-3, lrEnd: 1e-4 },
    estep: { steps: 16, sampler: 'ddpm', cgIters: 1, chunk: 512, covariance: 'tweedie', clamp: CLAMP },
    sampleSteps: 32,
  },
}

export function withCovariance(c: ImageEmConfig, covariance: CovarianceChoice): ImageEmConfig {
  return { ...c, estep: { ...c.estep, covariance } }
}

/** One line per setting (for the page and run.json). */
export function describeImageEm(c: ImageEmConfig): string[] {
  const k = c.corruption
  const what = k.kind === 'pixels' ? `${Math.round((k.missing ?? 0.75) * 100)} % of pixels deleted` : k.kind === 'box' ? `a ${k.box ?? 12}-pixel box deleted` : `motion blur ${k.kernelSize ?? 7}×${k.kernelSize ?? 7}`
  return [
    `${c.observations.toLocaleString('en')} MNIST observations, each its own operator (${what}), σ_y = ${k.sigmaY ?? 0.01}`,
    `lap 0: Gaussian prior, rank-${c.gaussian.rank} PPCA, ${c.gaussian.iterations} Monte-Carlo EM iterations (exact Gaussian posteriors)`,
    `M-step: U-Net ${c.unet.channels.join('/')} channels, ${c.train.steps} Adam steps a lap${c.train.firstLapSteps ? ` (lap 1: ${c.train.firstLapSteps})` : ''}, batch ${c.train.batch}, LR ${c.train.lrInit} → ${c.train.lrEnd}${c.train.ema ? `, weight EMA ${c.train.ema}` : ''}`,
    `unconditional samples: ${c.sampleCount} a lap, DDPM ${c.sampleSteps} steps`,
    `E-step: MMPS (${c.estep.covariance} covariance), ${c.estep.sampler.toUpperCase()} ${c.estep.steps} steps, CG ${c.estep.cgIters}${c.estep.clamp?.posterior ? ', D̃ clamped to [−1, 1]' : ''}${c.estep.clamp?.denoised ? ', x̂ clamped to [−1, 1]' : ''}`,
    `completion PSNR on ${c.evalCount} held-out observations; ${c.laps} laps`,
  ]
}
