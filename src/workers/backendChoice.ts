// Choosing the tfjs backend by measurement (issue 11): pure logic, no tfjs, no DOM, tested in Node.
// The worker times the real workload on every backend that passed its known-answer probe (measure.ts);
// this module plans that measurement within a budget, picks the fastest, explains the choice in one line
// and builds the cache key the verdict is kept under (browser, adapter, workload, model).
import type { TfjsBackend } from '../engines/tfjs/backends'

/** What is being run; the label names it for the user ("cifar10-unet"). */
export type Workload =
  | { kind: 'unet'; label: string; modelHash: string; shape: readonly [number, number, number]; batch: number }
  | { kind: 'mlp'; label: string; hidden: number; trainBatch: number; chunk: number }
  /** A U-Net built and trained in tfjs (the image EM lab's, or one it sent to the studio). */
  | { kind: 'tfjs-unet'; label: string; channels: readonly [number, number]; trainBatch: number; chunk: number }
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
  | { backend: TfjsBackend; status: 'timed'; /** steady-state (second call) ms */ ms: number; /** first call incl. compilation */ firstMs: number; /** start + build + both calls */ totalMs?: number }
  | { backend: TfjsBackend; status: 'abandoned'; /** start + build + calls, stopped at its bound */ atLeastMs: number }
  | { backend: TfjsBackend; status: 'failed'; reason: string }
  | { backend: TfjsBackend; status: 'skipped'; reason: string; /** skipped because it was at least this many times slower on a lighter workload */ slowerBy?: { times: number; on: string; /** only a lower bound (it was stopped) */ atLeast?: boolean } }

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
/**
 * The start-up check (a tiny net) gets longer: on a software GPU its first call is mostly shader compilation
 * (about a second here), and letting it finish gives a real ratio and leaves no stopped work behind in the
 * browser's GPU process, where it would take CPU from the pages for seconds after the verdict.
 */
export const STARTUP_BUDGET_MS = 4000
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
    : w.kind === 'tfjs-unet' ? `tfjs-unet|${w.channels.join('-')}|tb${w.trainBatch}|c${w.chunk}`
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

/** A hardware GPU gets this long for its first two calls: shader compilation is a one-time cost worth waiting for. */
export const HARDWARE_BOUND_MS = 8000

/**
 * How long the next backend may take (start, build, first and second call): an equal share of what is left of
 * the budget, but at least MIN_BACKEND_MS and at least twice what the reference took for the same (so that a
 * stopped backend is really slower); a hardware GPU at least HARDWARE_BOUND_MS.
 */
export function boundFor(remainingMs: number, backendsLeft: number, referenceMs = 0, software = true): number {
  const share = Math.max(MIN_BACKEND_MS, remainingMs / Math.max(1, backendsLeft), 2 * referenceMs)
  return software ? share : Math.max(share, HARDWARE_BOUND_MS)
}

/** How much slower than the chosen backend each other backend was in a verdict (≥ for a stopped one). */
export function slowdowns(v: Verdict): Map<TfjsBackend, number> {
  const out = new Map<TfjsBackend, number>()
  const best = v.timings.find((t) => t.backend === v.chosen)
  if (!best || best.status !== 'timed') return out
  for (const t of v.timings) {
    if (t.backend === v.chosen) continue
    if (t.status === 'timed') out.set(t.backend, t.ms / Math.max(best.ms, 1e-3))
    if (t.status === 'abandoned') out.set(t.backend, t.atLeastMs / Math.max(best.totalMs ?? best.ms, 1e-3))
  }
  return out
}

/** A software GPU this much slower on the start-up check is not timed on the heavy workloads. */
export const PRESCREEN_TIMES = 3

/**
 * Backends not worth timing on a heavy workload: software GPUs (fallback adapter, software renderer) that
 * were stopped at their bound, or timed ≥ PRESCREEN_TIMES slower than the chosen backend, on the start-up check. Timing a U-Net step on such a
 * device leaves it busy in the browser's GPU process for up to a minute after being stopped, on the same CPU
 * the run then needs.
 */
export function prescreen(startup: Verdict | undefined, env: MeasureEnvironment, available: readonly TfjsBackend[]): BackendTiming[] {
  if (!startup || startup.workloadKind !== 'general') return []
  const out: BackendTiming[] = []
  const slower = slowdowns(startup)
  for (const t of startup.timings) {
    const times = slower.get(t.backend)
    if (times === undefined || !available.includes(t.backend) || !isSoftware(t.backend, env) || t.backend === 'wasm' || t.backend === 'cpu') continue
    // stopped at its bound (it could not even finish the small check in time), or timed and much slower
    if (t.status !== 'abandoned' && times < PRESCREEN_TIMES) continue
    const atLeast = t.status === 'abandoned'
    out.push({ backend: t.backend, status: 'skipped', reason: `not timed: on ${startup.workload} this software device was ${atLeast ? '≥ ' : ''}${fmtRatio(times)}× slower than ${startup.chosen}${atLeast ? ' (stopped at its time bound)' : ''}`, slowerBy: { times, on: startup.workload, atLeast } })
  }
  return out
}

/** Whether a backend runs on a software device here (a fallback WebGPU adapter, a software WebGL renderer). */
export function isSoftware(backend: TfjsBackend, env: MeasureEnvironment): boolean {
  if (backend === 'webgpu') return env.adapter?.isFallbackAdapter === true || /swiftshader/i.test(env.adapter?.architecture ?? '')
  if (backend === 'webgl') return /swiftshader|llvmpipe|software/i.test(env.webglRenderer ?? '')
  return true
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
  if (!runnerUp) {
    const pres = timings.filter((t): t is Extract<BackendTiming, { status: 'skipped' }> => t.status === 'skipped' && t.slowerBy !== undefined)
    const pre = pres.find((t) => t.backend === 'webgpu') ?? pres[0]
    if (pre?.slowerBy) {
      const device = describeBackendDevice(pre.backend, env)
      return `${chosen} — ${pre.slowerBy.atLeast ? '≥ ' : ''}${fmtRatio(pre.slowerBy.times)}× faster than ${pre.backend}${device ? ` (${device})` : ''} on ${pre.slowerBy.on}; not worth timing for ${workload}`
    }
    return `${chosen} — the only backend that can run ${workload} here`
  }
  const device = describeBackendDevice(runnerUp.backend, env)
  const other = `${runnerUp.backend}${device ? ` (${device})` : ''}`
  // a stopped backend is compared by what both took for start, build and two calls (a lower bound)
  const ratio = runnerUp.status === 'timed' ? runnerUp.ms / Math.max(best.ms, 1e-3) : runnerUp.atLeastMs / Math.max(best.totalMs ?? best.ms, 1e-3)
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
