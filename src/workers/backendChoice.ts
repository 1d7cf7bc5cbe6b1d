// Choosing the tfjs backend by measurement (issue 11): pure logic, no tfjs, no DOM, tested in Node.
// The worker times the real workload on every backend that passed its known-answer probe (measure.ts);
// this module plans that measurement within a budget, picks the fastest, explains the choice in one line
// and builds the cache key the verdict is kept under (browser, adapter, workload, model).
import type { TfjsBackend } from '../engines/tfjs/backends'

/** What is being run; the label names it for the user ("cifar10-unet"). */
export type Workload =
  | { kind: 'unet'; label: string; modelHash: string; shape: readonly [number, number, number]; batch: number }
  | { kind: 'mlp'; label: string; hidden: number; trainBatch: number; chunk: number }
  | { kind: 'general'; label: string }

export interface AdapterDescription {
  vendor: string
  architecture: string
  device: string
  description: string
  isFallbackAdapter: boolean
}

/** Where the measurement ran: the verdict is only valid there. */
export interface MeasureEnvironment {
  userAgent: string
  /** The WebGPU adapter the worker got, if any. */
  adapter?: AdapterDescription
  /** The WebGL renderer string, if any. */
  webglRenderer?: string
}

/** One backend's result: timed, abandoned past its time bound (so only a lower bound), or unusable. */
export type BackendTiming =
  | { backend: TfjsBackend; status: 'timed'; /** steady-state (second call) ms */ ms: number; /** first call incl. compilation */ firstMs: number }
  | { backend: TfjsBackend; status: 'abandoned'; /** the bound it ran past */ atLeastMs: number }
  | { backend: TfjsBackend; status: 'failed'; reason: string }
  | { backend: TfjsBackend; status: 'skipped'; reason: string }

export interface Verdict {
  key: string
  workload: string
  workloadKind: Workload['kind']
  chosen: TfjsBackend
  timings: BackendTiming[]
  /** One line for the badge, e.g. "wasm — 14× faster than webgpu (SwiftShader, software adapter) for cifar10-unet". */
  reason: string
  measuredAt: number
  /** How the verdict was reached. */
  source: 'measured' | 'cached' | 'forced'
  /** Set when the verdict could not be kept (storage full, blocked, private window). */
  cacheNote?: string
}

/** Bump when the measurement changes meaning, so old cached verdicts are ignored. */
export const MEASURE_VERSION = 1
/** The whole measurement of one workload stays within about this long. */
export const MEASURE_BUDGET_MS = 2000
/** A backend always gets at least this long for its first call (shader compilation included). */
export const MIN_BACKEND_MS = 250

/** Known GPU architectures by display name; anything else is shown as the adapter reports it. */
const ARCH_NAMES: Record<string, string> = { swiftshader: 'SwiftShader' }

/** "SwiftShader, software adapter" · "nvidia ampere" · "SwiftShader, software renderer" (WebGL). */
export function describeBackendDevice(backend: TfjsBackend, env: MeasureEnvironment): string | undefined {
  if (backend === 'webgpu' && env.adapter) {
    const a = env.adapter
    const arch = ARCH_NAMES[a.architecture.toLowerCase()] ?? [a.vendor, a.architecture].filter(Boolean).join(' ')
    const name = arch || a.description || 'unnamed adapter'
    return a.isFallbackAdapter ? `${name}, software adapter` : name
  }
  if (backend === 'webgl' && env.webglRenderer) {
    return /swiftshader|llvmpipe|software/i.test(env.webglRenderer) ? 'SwiftShader, software renderer' : env.webglRenderer.replace(/^ANGLE \((.*)\)$/, '$1')
  }
  return undefined
}

/** The cache key: a verdict holds only for this browser, this adapter/renderer, this workload and model. */
export function cacheKey(env: MeasureEnvironment, w: Workload): string {
  const a = env.adapter
  const adapter = a ? `${a.vendor}|${a.architecture}|${a.device}|${a.description}|fallback=${a.isFallbackAdapter}` : 'no-webgpu'
  const work =
    w.kind === 'unet' ? `unet|${w.modelHash}|${w.shape.join('x')}|b${w.batch}`
    : w.kind === 'mlp' ? `mlp|h${w.hidden}|tb${w.trainBatch}|c${w.chunk}`
    : 'general'
  return [`v${MEASURE_VERSION}`, env.userAgent, adapter, env.webglRenderer ?? 'no-webgl', work].join(' :: ')
}

/**
 * The order to measure in and what to skip. wasm goes first: it is cheap and always sane, so its time bounds
 * the others. cpu (plain JS on the same CPU) is never faster than wasm, so it is timed only when wasm is missing.
 */
export function measurementOrder(available: readonly TfjsBackend[]): { order: TfjsBackend[]; skipped: BackendTiming[] } {
  const order: TfjsBackend[] = []
  const skipped: BackendTiming[] = []
  const rank: TfjsBackend[] = ['wasm', 'webgpu', 'webgl', 'cpu']
  for (const b of rank) {
    if (!available.includes(b)) continue
    if (b === 'cpu' && available.includes('wasm')) {
      skipped.push({ backend: 'cpu', status: 'skipped', reason: 'not timed: wasm works, and plain-JS cpu on the same CPU is never faster' })
      continue
    }
    order.push(b)
  }
  return { order, skipped }
}

/** How long the next backend may take for its first call: an equal share of what is left, at least MIN_BACKEND_MS. */
export function boundFor(remainingMs: number, backendsLeft: number): number {
  return Math.max(MIN_BACKEND_MS, remainingMs / Math.max(1, backendsLeft))
}

type Timed = Extract<BackendTiming, { status: 'timed' }>
type Abandoned = Extract<BackendTiming, { status: 'abandoned' }>

/** Timed backends by time; abandoned ones after every timed one (they are slower than their bound). */
export function rank(timings: readonly BackendTiming[]): (Timed | Abandoned)[] {
  const timed = timings.filter((t): t is Timed => t.status === 'timed').sort((a, b) => a.ms - b.ms)
  const abandoned = timings.filter((t): t is Abandoned => t.status === 'abandoned').sort((a, b) => a.atLeastMs - b.atLeastMs)
  return [...timed, ...abandoned]
}

export function pickFastest(timings: readonly BackendTiming[]): { chosen: TfjsBackend; runnerUp?: Timed | Abandoned } {
  const r = rank(timings)
  const best = r[0]
  if (!best || best.status !== 'timed') {
    const why = timings.map((t) => `${t.backend}: ${t.status === 'failed' || t.status === 'skipped' ? t.reason : t.status}`).join('; ')
    throw new Error(`no backend could run this workload: ${why || 'none available'}`)
  }
  return { chosen: best.backend, runnerUp: r[1] }
}

const fmtRatio = (r: number): string => (r >= 10 ? r.toFixed(0) : r.toFixed(1))

/** "wasm — 14× faster than webgpu (SwiftShader, software adapter) for cifar10-unet". */
export function explain(chosen: TfjsBackend, timings: readonly BackendTiming[], env: MeasureEnvironment, workload: string): string {
  const best = timings.find((t) => t.backend === chosen)
  const runnerUp = rank(timings).find((t) => t.backend !== chosen)
  if (!best || best.status !== 'timed') return `${chosen} for ${workload}`
  if (!runnerUp) return `${chosen} — the only backend that can run ${workload} here`
  const device = describeBackendDevice(runnerUp.backend, env)
  const other = `${runnerUp.backend}${device ? ` (${device})` : ''}`
  const ratio = runnerUp.status === 'timed' ? runnerUp.ms / Math.max(best.ms, 1e-3) : runnerUp.atLeastMs / Math.max(best.ms, 1e-3)
  const times = `${runnerUp.status === 'abandoned' ? '≥ ' : ''}${fmtRatio(ratio)}×`
  return `${chosen} — ${times} faster than ${other} for ${workload}`
}

export function measuredVerdict(env: MeasureEnvironment, w: Workload, timings: BackendTiming[], now: number): Verdict {
  const { chosen } = pickFastest(timings)
  return { key: cacheKey(env, w), workload: w.label, workloadKind: w.kind, chosen, timings, reason: explain(chosen, timings, env, w.label), measuredAt: now, source: 'measured' }
}

/** ?backend=… wins over any measurement; no timings are taken. */
export function forcedVerdict(env: MeasureEnvironment, w: Workload, forced: TfjsBackend, now: number): Verdict {
  return { key: cacheKey(env, w), workload: w.label, workloadKind: w.kind, chosen: forced, timings: [], reason: `${forced} — forced by ?backend=${forced}`, measuredAt: now, source: 'forced' }
}

/** A stored verdict is usable when it is for this key and its backend is still available now. */
export function usableCached(v: Verdict | undefined, key: string, available: readonly TfjsBackend[]): Verdict | undefined {
  if (!v || v.key !== key || !available.includes(v.chosen)) return undefined
  return { ...v, source: 'cached' }
}
