// Choosing the tfjs backend by measurement (issue 11): pure logic, no tfjs, no DOM, tested in Node.
// The worker times the real workload on every backend that passed its known-answer probe (measure.ts);
// this module plans that measurement within a budget, picks the fastest, explains the choice in one line
// and builds the cache key the verdict is kept under (browser, adapter, workload, model).
import type { TfjsBackend } from '../engines/tfjs/backends'

/**
 * Who runs an ONNX U-Net's forward and VJP on the wasm backend: tfjs (the graph executed op by op) or the ORT VJP
 * executor (src/engines/onnx/ortvjp: its forward and backward graphs run by onnxruntime-web in its own worker).
 */
export type Executor = 'tfjs' | 'ort-vjp'

/** What is being run; the label names it for the user ("cifar10-unet"). */
export type Workload =
  /** `executors`: the wasm candidates timed (absent: tfjs only). */
  | { kind: 'unet'; label: string; modelHash: string; shape: readonly [number, number, number]; batch: number; executors?: readonly Executor[] }
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

/**
 * One candidate's result: timed, abandoned past its time bound (so only a lower bound), or unusable. A candidate
 * is a backend with its executor (absent: tfjs); the ORT VJP executor runs on wasm.
 */
export type BackendTiming = (
  | { backend: TfjsBackend; status: 'timed'; /** steady-state (second call) ms */ ms: number; /** first call incl. compilation */ firstMs: number; /** start + build + both calls (the ORT executor: both calls; its init is preparation, cached per model) */ totalMs?: number }
  | { backend: TfjsBackend; status: 'abandoned'; /** start + build + calls, stopped at its bound */ atLeastMs: number }
  | { backend: TfjsBackend; status: 'failed'; reason: string }
  | { backend: TfjsBackend; status: 'skipped'; reason: string; /** skipped because it was at least this many times slower on a lighter workload */ slowerBy?: { times: number; on: string; /** only a lower bound (it was stopped) */ atLeast?: boolean } }
) & { executor?: Executor }

/** The executor a timing is for ('tfjs' when absent). */
export const executorOf = (t: { executor?: Executor }): Executor => t.executor ?? 'tfjs'

export interface Verdict {
  key: string
  workload: string
  workloadKind: Workload['kind']
  chosen: TfjsBackend
  /** Who runs the chosen backend's U-Net ('tfjs' when absent). */
  executor?: Executor
  timings: BackendTiming[]
  /** One line for the badge, e.g. "wasm — 14× faster than webgpu (SwiftShader, software adapter) for cifar10-unet". */
  reason: string
  measuredAt: number
  /** How the verdict was reached. */
  source: 'measured' | 'cached' | 'forced'
  /** Kept for this session only, not stored: the ORT executor was still to be prepared (timed on the next run). */
  provisional?: boolean
  /** Set when the verdict could not be kept (storage full, blocked, private window). */
  cacheNote?: string
}

/** Bump when the measurement changes meaning, so old cached verdicts are ignored. */
export const MEASURE_VERSION = 2
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
    w.kind === 'unet' ? `unet|${w.modelHash}|${w.shape.join('x')}|b${w.batch}|exec=${(w.executors ?? ['tfjs']).join('+')}`
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

/** The chosen candidate's timing in a verdict (its backend and executor). */
export function chosenTiming(v: Pick<Verdict, 'chosen' | 'executor' | 'timings'>): BackendTiming | undefined {
  return v.timings.find((t) => t.backend === v.chosen && executorOf(t) === (v.executor ?? 'tfjs'))
}

/** How much slower than the chosen backend each other backend was in a verdict (≥ for a stopped one). */
export function slowdowns(v: Verdict): Map<TfjsBackend, number> {
  const out = new Map<TfjsBackend, number>()
  const best = chosenTiming(v)
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

export function pickFastest(timings: readonly BackendTiming[]): { chosen: TfjsBackend; executor: Executor; runnerUp?: Timed | Abandoned } {
  const r = rank(timings)
  const best = r[0]
  if (!best || best.status !== 'timed') {
    const why = timings.map((t) => `${candidateName(t)}: ${t.status === 'failed' || t.status === 'skipped' ? t.reason : t.status}`).join('; ')
    throw new Error(`no backend could run this workload: ${why || 'none available'}`)
  }
  return { chosen: best.backend, executor: executorOf(best), runnerUp: r[1] }
}

/** "wasm" · "wasm · ORT executor" (a candidate as the badge names it). */
export function candidateName(t: { backend: TfjsBackend; executor?: Executor }): string {
  return executorOf(t) === 'ort-vjp' ? `${t.backend} · ORT executor` : t.backend
}

/** How a runner-up on the chosen backend is named in a reason: "tfjs-wasm", "the ORT executor". */
const sameBackendName = (t: { backend: TfjsBackend; executor?: Executor }): string => (executorOf(t) === 'ort-vjp' ? 'the ORT executor' : `tfjs-${t.backend}`)

const fmtRatio = (r: number): string => (r >= 10 ? r.toFixed(0) : r.toFixed(1))

/**
 * "wasm — 14× faster than webgpu (SwiftShader, software adapter) for cifar10-unet"; with two executors on the
 * chosen backend, "wasm · ORT executor — 2.1× faster than tfjs-wasm, 14× faster than webgpu (…) for cifar10-unet".
 */
export function explain(chosen: TfjsBackend, timings: readonly BackendTiming[], env: MeasureEnvironment, workload: string, executor: Executor = 'tfjs'): string {
  const name = candidateName({ backend: chosen, executor })
  const best = timings.find((t) => t.backend === chosen && executorOf(t) === executor)
  if (!best || best.status !== 'timed') return `${name} for ${workload}`
  const others = rank(timings).filter((t) => t !== best)
  // a stopped backend is compared by what both took for start, build and two calls (a lower bound)
  const ratioTo = (t: Timed | Abandoned): string => {
    const r = t.status === 'timed' ? t.ms / Math.max(best.ms, 1e-3) : t.atLeastMs / Math.max(best.totalMs ?? best.ms, 1e-3)
    return `${t.status === 'abandoned' ? '≥ ' : ''}${fmtRatio(r)}×`
  }
  const parts: string[] = []
  const sibling = others.find((t) => t.backend === chosen)
  if (sibling) parts.push(`${ratioTo(sibling)} faster than ${sameBackendName(sibling)}`)
  const runnerUp = others.find((t) => t.backend !== chosen)
  if (runnerUp) {
    const device = describeBackendDevice(runnerUp.backend, env)
    parts.push(`${ratioTo(runnerUp)} faster than ${runnerUp.backend}${device ? ` (${device})` : ''}`)
    return `${name} — ${parts.join(', ')} for ${workload}`
  }
  const pres = timings.filter((t): t is Extract<BackendTiming, { status: 'skipped' }> => t.status === 'skipped' && t.slowerBy !== undefined)
  const pre = pres.find((t) => t.backend === 'webgpu') ?? pres[0]
  if (pre?.slowerBy) {
    const device = describeBackendDevice(pre.backend, env)
    const head = parts.length ? `${parts.join(', ')} for ${workload}; ` : ''
    return `${name} — ${head}${pre.slowerBy.atLeast ? '≥ ' : ''}${fmtRatio(pre.slowerBy.times)}× faster than ${pre.backend}${device ? ` (${device})` : ''} on ${pre.slowerBy.on}; not worth timing${parts.length ? '' : ` for ${workload}`}`
  }
  if (parts.length) return `${name} — ${parts.join(', ')} for ${workload}; the only backend that can run it here`
  return `${name} — the only backend that can run ${workload} here`
}

/** What the reason adds when the ORT executor was a candidate but could not be timed. */
function executorNote(timings: readonly BackendTiming[], executor: Executor): string {
  const ort = timings.find((t) => executorOf(t) === 'ort-vjp')
  if (!ort || executor === 'ort-vjp') return ''
  if (ort.status === 'failed') return ` (the ORT executor was not used: ${ort.reason})`
  if (ort.status === 'skipped') return ` (the ORT executor: ${ort.reason})`
  return ''
}

export function measuredVerdict(env: MeasureEnvironment, w: Workload, timings: BackendTiming[], now: number): Verdict {
  const { chosen, executor } = pickFastest(timings)
  const reason = explain(chosen, timings, env, w.label, executor) + executorNote(timings, executor)
  return { key: cacheKey(env, w), workload: w.label, workloadKind: w.kind, chosen, ...(executor === 'ort-vjp' ? { executor } : {}), timings, reason, measuredAt: now, source: 'measured' }
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
