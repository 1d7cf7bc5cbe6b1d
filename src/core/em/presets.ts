// Manifold-lab presets (algorithms.md §4.2/§5 table). `paper` is the paper's configuration; `default` is scaled to
// 11–24 CPU-seconds per lap (Node tfjs-wasm, 2-core CPU, 2026-12-02): 14 laps ≈ 220 CPU-s ≈ 3.7 min on a free CPU,
// Sinkhorn below a quarter of lap 0's from lap 9 (≈ 2.4 min) on (docs/manifold-retune.md §5); `tiny` is for tests.
// default: the E-step's sampler steps set the floor the EM settles on (with a prior fitted to the truth, PC 32 steps
// land 0.22 Sinkhorn away, 128 steps 0.07), but early laps sample a blurred prior where precision buys nothing, so
// the steps rise 32 → 256 over laps 1–8 (§5: 0.28–0.30 from lap 10 on, against 0.37–0.42 with a fixed 128); the MLP
// 3×128 fits as well as 3×256 at about half the cost, which pays for 640 M-step steps.
import type { EStepSettings, TrainSettings } from './diem'
import type { VESchedule } from '../diffusion/schedule'

export type ManifoldPreset = 'tiny' | 'default' | 'paper'

export interface ManifoldConfig {
  preset: ManifoldPreset
  /** Number of observations (= E-step samples per lap). */
  observations: number
  /** Size of each held-out truth set for the metrics. */
  evalSize: number
  /** Monte-Carlo EM iterations of the initial Gaussian fit (§4.1). */
  fitIterations: number
  laps: number
  train: TrainSettings
  estep: EStepSettings
  hidden: number
  schedule: VESchedule
  sigmaY: number
  seed: number
}

const common = { schedule: { a: 1e-3, b: 10 }, sigmaY: 0.01, seed: 0 }

export const MANIFOLD_PRESETS: Record<ManifoldPreset, ManifoldConfig> = {
  tiny: {
    ...common, preset: 'tiny', observations: 256, evalSize: 128, fitIterations: 8, laps: 4, hidden: 64,
    train: { steps: 60, batch: 128, lrInit: 1e-3, lrEnd: 1e-6 },
    estep: { steps: 8, chunk: 256, cgIters: 2 },
  },
  default: {
    ...common, preset: 'default', observations: 1024, evalSize: 256, fitIterations: 16, laps: 14, hidden: 128,
    train: { steps: 640, batch: 256, lrInit: 1e-3, lrEnd: 1e-6 },
    estep: { steps: 256, firstSteps: 32, rampLaps: 8, chunk: 1024, cgIters: 2 },
  },
  paper: {
    ...common, preset: 'paper', observations: 65536, evalSize: 16384, fitIterations: 16, laps: 64, hidden: 256,
    train: { steps: 65536, batch: 1024, lrInit: 1e-3, lrEnd: 1e-6 },
    // PC 4096 steps; CG to rtol 1e-3 on a 2×2 system converges in 2 iterations
    estep: { steps: 4096, chunk: 4096, cgIters: 2 },
  },
}

/** The E-step's sampler steps at lap k ≥ 1 (EStepSettings' ramp): round(first · (steps/first)^((k−1)/(ramp−1))). */
export function eStepStepsAt(s: EStepSettings, lap: number): number {
  const first = s.firstSteps, ramp = s.rampLaps
  if (first === undefined || ramp === undefined || ramp <= 1 || lap >= ramp) return s.steps
  if (!(first >= 1)) throw new Error(`estep.firstSteps must be at least 1, got ${first}`)
  return Math.round(first * (s.steps / first) ** (Math.max(0, lap - 1) / (ramp - 1)))
}

/** One E-step sampler step of the MLP on 1024 observations costs about as much as this many M-step steps
 * (batch 256): Node tfjs-wasm, 2026-12-02, ≈ 24–45 CPU-ms against ≈ 13–20 (docs/manifold-retune.md §5). */
const ESTEP_STEP_IN_MSTEPS = 2

/** The relative work of lap k ≥ 1 (for the page's time left when the E-step's steps rise over the laps). */
export function lapCost(c: ManifoldConfig, lap: number): number {
  return c.train.steps + ESTEP_STEP_IN_MSTEPS * (c.observations / 1024) * eStepStepsAt(c.estep, lap)
}

/** "128 steps", or with a ramp "32 → 256 steps (rising over laps 1–8)". */
function eStepStepsText(c: ManifoldConfig): string {
  const first = eStepStepsAt(c.estep, 1)
  if (first === c.estep.steps) return `${c.estep.steps} steps`
  return `${first} → ${c.estep.steps} steps (rising over laps 1–${c.estep.rampLaps})`
}

/** One line per setting, for the page ("sizes scaled down from the paper's and listed on the page"). */
export function describeConfig(c: ManifoldConfig): string[] {
  return [
    `${c.observations.toLocaleString('en')} observations (2×5 projections, σ_y = ${c.sigmaY})`,
    `initial Gaussian: ${c.fitIterations} Monte-Carlo EM iterations (exact Gaussian posteriors)`,
    `M-step: ${c.train.steps.toLocaleString('en')} Adam steps, batch ${c.train.batch}, LR ${c.train.lrInit} → ${c.train.lrEnd}, MLP 3×${c.hidden}`,
    `E-step: MMPS, predictor–corrector ${eStepStepsText(c)} (1 corrector, τ = 0.1), CG ${c.estep.cgIters} iterations`,
    `metrics on ${c.evalSize.toLocaleString('en')} held-out truth points; ${c.laps} laps`,
  ]
}
