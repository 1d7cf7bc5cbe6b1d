// The pieces of bench:em-studio (bench/emStudio.ts) that tests check: the EM weights file, the held-out digits,
// and the three priors as studio denoisers — built by the same functions the studio uses.
import type { DigitSet } from '../src/core/emImages/digits'
import { DIGIT_PIXELS, DIGIT_SIZE, emDigitSplit } from '../src/core/emImages/digits'
import { studioDplrDenoiser, type DplrGaussian } from '../src/core/emImages/dplr'
import type { Denoiser } from '../src/core/types'
import type { UnetWeights } from '../src/engines/tfjs/unet'
import { studioUnetFromWeights } from '../src/engines/tfjs/unetModel'
import { unetWeightsFromFile } from '../src/engines/tfjs/unetWeightsFile'

export type PriorKey = 'clean' | 'em' | 'gaussian'
export const PRIOR_LABELS: Record<PriorKey, string> = { clean: 'clean-trained', em: 'EM-learned', gaussian: 'lap-0 Gaussian' }

/** The image EM lab's held-out part (2,000 digits, as every EM run uses). */
export const HELD_OUT = 2000

/** An EM weights file (JSON text): the U-Net weights and the run's free-form `meta` ({} when absent). */
export function readEmWeights(text: string): { weights: UnetWeights; meta: Record<string, unknown> } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new Error(`EM weights file: not JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const meta = (raw as { meta?: unknown } | null)?.meta
  return { weights: unetWeightsFromFile(raw), meta: meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {} }
}

/** Positions from…from+n−1 of the fixed split's held-out digits: studio units x = 4p − 2, package indices, classes. */
export function heldOutStudioDigits(set: DigitSet, from: number, n: number): { images: Float32Array; indices: number[]; labels: number[] } {
  const held = emDigitSplit(set.count, HELD_OUT).heldOut
  if (!Number.isInteger(from) || !Number.isInteger(n) || from < 0 || n < 1 || from + n > held.length) throw new Error(`held-out digits ${from}…${from + n - 1}: the split holds out ${held.length}`)
  const indices = Array.from(held.subarray(from, from + n))
  const images = new Float32Array(n * DIGIT_PIXELS)
  indices.forEach((idx, r) => {
    for (let j = 0; j < DIGIT_PIXELS; j++) images[r * DIGIT_PIXELS + j] = 4 * set.images[idx * DIGIT_PIXELS + j]! - 2
  })
  return { images, indices, labels: indices.map((i) => set.labels[i]!) }
}

/** The priors as 1×28×28 studio denoisers in [−2, 2]: the EM U-Net exactly as the studio's learned model is built. */
export function emStudioPriors(p: { clean?: () => Denoiser; em?: UnetWeights; gaussian?: DplrGaussian }): Partial<Record<PriorKey, Denoiser & { dispose?: () => void }>> {
  const out: Partial<Record<PriorKey, Denoiser & { dispose?: () => void }>> = {}
  if (p.clean) out.clean = p.clean()
  if (p.em) out.em = studioUnetFromWeights('EM-learned U-Net', p.em)
  if (p.gaussian) out.gaussian = studioDplrDenoiser(p.gaussian, [1, DIGIT_SIZE, DIGIT_SIZE])
  return out
}
