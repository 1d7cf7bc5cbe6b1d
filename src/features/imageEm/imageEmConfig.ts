// The image EM lab's run settings: a preset, the covariance, the corruption and σ_y, plus lighter test-only
// overrides read from the URL (?observations=64&trainSteps=20 …, for e2e); the default page is the real preset.
import { IMAGE_EM_PRESETS, type ImageEmConfig, type ImageEmPreset } from '../../core/emImages/presets'
import type { CovarianceChoice } from '../../core/emImages/estep'
import type { CorruptionKind } from '../../core/emImages/corruption'
import { numberParam } from '../../core/url/numberParam'

export interface ImageEmChoice {
  preset: ImageEmPreset
  covariance: CovarianceChoice
  corruption: CorruptionKind
  sigmaY: number
  seed: number
}

export const DEFAULT_CHOICE: ImageEmChoice = { preset: 'tiny', covariance: 'tweedie', corruption: 'pixels', sigmaY: 0.01, seed: 0 }

/** Test-only overrides from the URL; `messages` says which were used or clamped. */
export function urlOverrides(search: string): { patch: (c: ImageEmConfig) => ImageEmConfig; messages: string[] } {
  const q = new URLSearchParams(search)
  const messages: string[] = []
  const keys = ['observations', 'evalCount', 'trainSteps', 'estepSteps', 'sampleCount', 'sampleSteps', 'laps', 'gaussianIterations'] as const
  const used = keys.filter((k) => q.get(k) !== null)
  if (used.length === 0) return { patch: (c) => c, messages }
  const n = (k: (typeof keys)[number], min: number, max: number, fallback: number): number => numberParam(q, k, { min, max, int: true }, fallback, messages)
  messages.push(`Lighter test settings from the URL: ${used.map((k) => `${k}=${q.get(k)}`).join(', ')} (remove them for the real preset).`)
  return {
    messages,
    patch: (c) => ({
      ...c,
      observations: n('observations', 8, 8000, c.observations),
      evalCount: n('evalCount', 1, 2000, c.evalCount),
      laps: n('laps', 0, 64, c.laps),
      sampleCount: n('sampleCount', 1, 1024, c.sampleCount),
      sampleSteps: n('sampleSteps', 1, 256, c.sampleSteps),
      gaussian: { ...c.gaussian, iterations: n('gaussianIterations', 1, 64, c.gaussian.iterations) },
      // trainSteps sets every lap's M-step, lap 1's too (as the CLI's --train-steps)
      train: { ...c.train, steps: n('trainSteps', 1, 10000, c.train.steps), firstLapSteps: q.has('trainSteps') ? undefined : c.train.firstLapSteps },
      estep: { ...c.estep, steps: n('estepSteps', 1, 256, c.estep.steps) },
    }),
  }
}

export function buildConfig(choice: ImageEmChoice, patch: (c: ImageEmConfig) => ImageEmConfig = (c) => c): ImageEmConfig {
  const base = IMAGE_EM_PRESETS[choice.preset]
  const c = patch(base)
  return {
    ...c, seed: choice.seed,
    corruption: { ...c.corruption, kind: choice.corruption, sigmaY: choice.sigmaY },
    estep: { ...c.estep, covariance: choice.covariance, chunk: Math.min(c.estep.chunk, c.observations) },
  }
}

export const COVARIANCE_LABEL: Record<CovarianceChoice, string> = {
  tweedie: 'Tweedie (MMPS)',
  sigma_t: 'Σ_t heuristic',
  inverse: '(Σ_x⁻¹ + Σ_t⁻¹)⁻¹ heuristic',
}
export const COVARIANCE_COLOUR: Record<CovarianceChoice, string> = { tweedie: '#1f6feb', sigma_t: '#bf3989', inverse: '#9a6700' }
export const CORRUPTION_LABEL: Record<CorruptionKind, string> = { pixels: '75 % of pixels deleted', box: 'a 12-pixel box deleted', blur: 'motion blur 7×7' }

/** "digits, learned from 75 %-deleted observations, lap 6" */
export function learnedModelName(c: ImageEmConfig, lap: number): string {
  const k = c.corruption
  const from = k.kind === 'pixels' ? `${Math.round((k.missing ?? 0.75) * 100)} %-deleted` : k.kind === 'box' ? 'box-masked' : 'blurred'
  return `digits, learned from ${from} observations, lap ${lap}`
}
