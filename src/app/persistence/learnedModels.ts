// Denoisers learned in the browser (the image EM lab's "Send to the studio"): the U-Net's weights, kept in
// IndexedDB. The page's model registry lists them; the worker reads them to build the denoiser.
import type { DBSchema } from 'idb'
import { lazyDb } from './openDb'
import type { UnetWeights } from '../../engines/tfjs/unet'
import type { VESchedule } from '../../core/diffusion/schedule'

export interface LearnedModelRow {
  id: string
  /** What the user reads in the model picker ("digits, learned from 75 %-deleted observations, lap 6"). */
  name: string
  addedAt: number
  /** The image EM run and lap it came from. */
  runId: string
  lap: number
  weights: UnetWeights
  /** The schedule it was trained on (model units, x ∈ [−1, 1]). */
  schedule: VESchedule
}

interface Schema extends DBSchema {
  models: { key: string; value: LearnedModelRow }
}

const db = lazyDb<Schema>('tweedie-playground-learned-models', 1, (d) => { d.createObjectStore('models', { keyPath: 'id' }) })

export const LEARNED_URL_PREFIX = 'learned:'
/** The model's "URL" in requests to the worker (it has no ONNX file): learned:<id>. */
export const learnedUrl = (id: string): string => `${LEARNED_URL_PREFIX}${id}`

export async function putLearned(row: LearnedModelRow): Promise<void> {
  await (await db()).put('models', row)
}
export async function listLearned(): Promise<LearnedModelRow[]> {
  return (await (await db()).getAll('models')).sort((a, b) => a.addedAt - b.addedAt)
}
export async function getLearned(id: string): Promise<LearnedModelRow | undefined> {
  return (await db()).get('models', id)
}
export async function deleteLearned(id: string): Promise<void> {
  await (await db()).delete('models', id)
}
