// Every denoiser the app can use: the shipped ones and the user's own (bring-your-own ONNX, checked and
// kept in IndexedDB so they survive a reload; served to the worker as blob: URLs).
import { create } from 'zustand'
import type { DBSchema } from 'idb'
import { lazyDb } from './persistence/openDb'
import { attemptStorage, storageNotice } from './persistence/storageErrors'
import { SHIPPED_MODELS, demoKindOf, type DemoKind, type ModelCard } from './models'
import type { ByoCheckResult } from '../workers/byoApi'
import { deleteLearned, learnedUrl, listLearned, putLearned, type LearnedModelRow } from './persistence/learnedModels'
import { computeWorker } from '../workers/client'

export interface ModelEntry {
  id: string
  onnxUrl: string
  /** [C, H, W] the model runs at. */
  shape: [number, number, number]
  demoKind: DemoKind
  card?: ModelCard
  /** A U-Net learned in this browser (the image EM lab); onnxUrl is learned:<id>. */
  learned?: { name: string; addedAt: number; runId: string; lap: number; stored: boolean }
  user?: { name: string; addedAt: number; check: ByoCheckResult; bytes: number; /** false: kept for this tab only (storage refused it). */ stored: boolean }
}

interface UserModelRow {
  id: string
  name: string
  addedAt: number
  bytes: Uint8Array
  shape: [number, number, number]
  check: ByoCheckResult
}

interface Schema extends DBSchema {
  models: { key: string; value: UserModelRow }
}

const db = lazyDb<Schema>('tweedie-playground-models', 1, (d) => { d.createObjectStore('models', { keyPath: 'id' }) })

const shipped: ModelEntry[] = SHIPPED_MODELS.map((m) => ({
  id: m.id, onnxUrl: m.onnxUrl, demoKind: m.demoKind, card: m.card,
  shape: [m.card.input.channels, m.card.input.height, m.card.input.width],
}))

function entry(row: UserModelRow, stored = true): ModelEntry {
  const url = URL.createObjectURL(new Blob([row.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }))
  return { id: row.id, onnxUrl: url, shape: row.shape, demoKind: demoKindOf(row.shape), user: { name: row.name, addedAt: row.addedAt, check: row.check, bytes: row.bytes.length, stored } }
}

function learnedEntry(row: LearnedModelRow, stored = true): ModelEntry {
  return { id: row.id, onnxUrl: learnedUrl(row.id), shape: [1, 28, 28], demoKind: 'digits', learned: { name: row.name, addedAt: row.addedAt, runId: row.runId, lap: row.lap, stored } }
}

interface RegistryState {
  models: ModelEntry[]
  loaded: boolean
  /** Why your own models could not be read or kept (storage full or blocked). */
  storageProblem?: string
  load(): Promise<void>
  /** Adds a checked model; `problem` says when storage refused it and it is kept for this tab only. */
  addUser(name: string, bytes: Uint8Array, check: ByoCheckResult): Promise<{ id: string; problem?: string }>
  removeUser(id: string): Promise<void>
  /** Adds (or replaces) a learned model; `problem` says when storage refused it (kept for this tab only). */
  addLearned(row: LearnedModelRow): Promise<{ problem?: string }>
}

export const useModelRegistry = create<RegistryState>((set, get) => ({
  models: shipped,
  loaded: false,
  async load() {
    if (get().loaded) return
    const r = await attemptStorage(async () => (await db()).getAll('models'))
    const learned = await attemptStorage(listLearned)
    const extra = [...(learned.ok ? learned.value.map((row) => learnedEntry(row)) : []), ...get().models.filter((m) => m.learned && !m.learned.stored)]
    if (r.ok) set({ models: [...shipped, ...r.value.sort((a, b) => a.addedAt - b.addedAt).map((row) => entry(row)), ...extra], loaded: true })
    else set({ loaded: true, models: [...shipped, ...extra], storageProblem: storageNotice(r.failure, { what: 'your own models', consequence: 'models added earlier cannot be read, and a model added now lasts only as long as this tab' }) })
  },
  async addUser(name, bytes, check) {
    if (!check.ok || !check.shape) throw new Error('only a model that passed its checks can be added')
    const base = `user-${name.replace(/\.onnx$/i, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase() || 'model'}`
    let id = base
    for (let k = 2; get().models.some((m) => m.id === id); k++) id = `${base}-${k}`
    const row: UserModelRow = { id, name, addedAt: Date.now(), bytes, shape: check.shape, check }
    const r = await attemptStorage(async () => (await db()).put('models', row))
    set({ models: [...get().models, entry(row, r.ok)] })
    if (r.ok) return { id }
    const problem = storageNotice(r.failure, { what: `the model “${name}”`, consequence: 'it is added for this tab only and must be added again after a reload', rescue: 'keep the .onnx file to add it again' })
    return { id, problem }
  },
  async addLearned(row) {
    await computeWorker().registerLearnedModel(row)
    const r = await attemptStorage(() => putLearned(row))
    set({ models: [...get().models.filter((m) => m.id !== row.id), learnedEntry(row, r.ok)] })
    if (r.ok) return {}
    return { problem: storageNotice(r.failure, { what: `the studio model “${row.name}”`, consequence: 'it is in the studio for this tab only and must be sent again after a reload' }) }
  },
  async removeUser(id) {
    const m = get().models.find((x) => x.id === id)
    if (m?.learned) {
      if (m.learned.stored) await attemptStorage(() => deleteLearned(id))
      set({ models: get().models.filter((x) => x.id !== id) })
      return
    }
    if (!m?.user) return
    if (m.user.stored) {
      const r = await attemptStorage(async () => (await db()).delete('models', id))
      if (!r.ok) {
        set({ storageProblem: storageNotice(r.failure, { what: `the removal of “${m.user.name}”`, consequence: 'it is removed for now but will be back after a reload' }) })
      }
    }
    URL.revokeObjectURL(m.onnxUrl)
    set({ models: get().models.filter((x) => x.id !== id) })
  },
}))

export function findModel(id: string): ModelEntry | undefined {
  return useModelRegistry.getState().models.find((m) => m.id === id)
}

/** The name a model picker shows: a learned model's description, "<id> (yours)" for your own ONNX, else the id. */
export function modelLabel(m: ModelEntry): string {
  return m.learned ? m.learned.name : m.user ? `${m.id} (yours)` : m.id
}
