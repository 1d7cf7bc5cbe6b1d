// Every denoiser the app can use: the shipped ones and the user's own (bring-your-own ONNX, checked and
// kept in IndexedDB so they survive a reload; served to the worker as blob: URLs).
import { create } from 'zustand'
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import { SHIPPED_MODELS, type ModelCard } from './models'
import type { ByoCheckResult } from '../workers/byoApi'

export interface ModelEntry {
  id: string
  onnxUrl: string
  /** [C, H, W] the model runs at. */
  shape: [number, number, number]
  demoKind: 'cifar' | 'mri'
  card?: ModelCard
  user?: { name: string; addedAt: number; check: ByoCheckResult; bytes: number }
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

let dbp: Promise<IDBPDatabase<Schema>> | undefined
const db = (): Promise<IDBPDatabase<Schema>> =>
  (dbp ??= openDB<Schema>('tweedie-playground-models', 1, { upgrade: (d) => { d.createObjectStore('models', { keyPath: 'id' }) } }))

const shipped: ModelEntry[] = SHIPPED_MODELS.map((m) => ({
  id: m.id, onnxUrl: m.onnxUrl, demoKind: m.demoKind, card: m.card,
  shape: [m.card.input.channels, m.card.input.height, m.card.input.width],
}))

function entry(row: UserModelRow): ModelEntry {
  const url = URL.createObjectURL(new Blob([row.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }))
  return { id: row.id, onnxUrl: url, shape: row.shape, demoKind: row.shape[0] === 1 ? 'mri' : 'cifar', user: { name: row.name, addedAt: row.addedAt, check: row.check, bytes: row.bytes.length } }
}

interface RegistryState {
  models: ModelEntry[]
  loaded: boolean
  load(): Promise<void>
  addUser(name: string, bytes: Uint8Array, check: ByoCheckResult): Promise<string>
  removeUser(id: string): Promise<void>
}

export const useModelRegistry = create<RegistryState>((set, get) => ({
  models: shipped,
  loaded: false,
  async load() {
    if (get().loaded) return
    try {
      const rows = await (await db()).getAll('models')
      set({ models: [...shipped, ...rows.sort((a, b) => a.addedAt - b.addedAt).map(entry)] })
    } finally {
      set({ loaded: true })
    }
  },
  async addUser(name, bytes, check) {
    if (!check.ok || !check.shape) throw new Error('only a model that passed its checks can be added')
    const base = `user-${name.replace(/\.onnx$/i, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase() || 'model'}`
    let id = base
    for (let k = 2; get().models.some((m) => m.id === id); k++) id = `${base}-${k}`
    const row: UserModelRow = { id, name, addedAt: Date.now(), bytes, shape: check.shape, check }
    await (await db()).put('models', row)
    set({ models: [...get().models, entry(row)] })
    return id
  },
  async removeUser(id) {
    const m = get().models.find((x) => x.id === id)
    if (!m?.user) return
    await (await db()).delete('models', id)
    URL.revokeObjectURL(m.onnxUrl)
    set({ models: get().models.filter((x) => x.id !== id) })
  },
}))

export function findModel(id: string): ModelEntry | undefined {
  return useModelRegistry.getState().models.find((m) => m.id === id)
}
