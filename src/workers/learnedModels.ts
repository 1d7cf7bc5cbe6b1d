// Worker side of the learned models (learned:<id> URLs): the U-Net from IndexedDB (or registered by the page
// when storage refused it) as a studio Denoiser. The studio works on NCHW [1, 28, 28] images in [−2, 2]; the
// U-Net on [784] vectors in [−1, 1]: D_studio(x, σ) = 2 · D(x / 2, σ / 2), an exact change of units.
import { tf } from './runtime'
import type { Denoiser } from '../core/types'
import { studioUnetFromWeights } from '../engines/tfjs/unetModel'
import { getLearned, LEARNED_URL_PREFIX, type LearnedModelRow } from '../app/persistence/learnedModels'
import { SIDE } from '../engines/tfjs/unet'

export const isLearnedUrl = (url: string): boolean => url.startsWith(LEARNED_URL_PREFIX)

const registered = new Map<string, LearnedModelRow>()
const built = new Map<string, { denoiser: Denoiser & { dispose(): void } }>()

/** The page hands the worker a learned model directly (kept for this worker's life, even if storage failed). */
export function registerLearned(row: LearnedModelRow): void {
  registered.set(row.id, row)
}

export async function learnedRow(url: string): Promise<LearnedModelRow> {
  const id = url.slice(LEARNED_URL_PREFIX.length)
  const row = registered.get(id) ?? (await getLearned(id))
  if (!row) throw new Error(`the learned model ${id} is not in this browser's storage (deleted, or storage was refused when it was sent); send it to the studio again from the image EM lab`)
  registered.set(id, row)
  return row
}

/** The learned U-Net as a [1, 28, 28] Denoiser on the current backend (cached per backend). */
export async function learnedDenoiser(url: string, shape: readonly number[]): Promise<Denoiser & { dispose(): void }> {
  if (shape.length !== 3 || shape[0] !== 1 || shape[1] !== SIDE || shape[2] !== SIDE) throw new Error(`a learned digit model runs on 1×${SIDE}×${SIDE} images, not ${shape.join('×')}`)
  const key = `${tf.getBackend()} ${url}`
  const hit = built.get(key)
  if (hit) return hit.denoiser
  const row = await learnedRow(url)
  const denoiser = studioUnetFromWeights(`learned ${row.id}`, row.weights)
  built.set(key, { denoiser })
  return denoiser
}

/** Frees the learned U-Nets built on `backend` (after a lost GPU, like evictDenoisers). */
export function evictLearned(backend: string): void {
  for (const [key, v] of built) {
    if (!key.startsWith(`${backend} `)) continue
    built.delete(key)
    try {
      v.denoiser.dispose()
    } catch {
      // a lost device took its tensors with it
    }
  }
}
