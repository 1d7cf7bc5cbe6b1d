// The worker's backend: which tfjs backend each job runs on, chosen by measuring the job's real workload
// (backendChoice, measure, workloads), cached per browser/adapter/workload/model (verdictCache), switched
// only when no job holds the current one (backendGate), and what happens when the GPU device is lost
// mid-run: the jobs on it stop with one clear message, its cached graphs are freed, the worker moves to the
// next fastest backend, and the page is told (status → every panel redraws).
import { probeBackend, TFJS_BACKENDS, type ProbeResult, type TfjsBackend } from '../engines/tfjs/backends'
import type { BackendStatus } from './api'
import { BackendGate, type Lease } from './backendGate'
import { cacheKey, executorOf, forcedVerdict, isSoftware, MEASURE_BUDGET_MS, STARTUP_BUDGET_MS, measuredVerdict, prescreen, usableCached, type BackendTiming, type MeasureEnvironment, type Verdict } from './backendChoice'
import { adapterInfo, webglRenderer, type GpuDeviceLike } from './gpu'
import { JobStopped, type Progress } from './jobs'
import { measureBackends, timeInWorker } from './measure'
import { evictDenoisers, onOrtVjpProgress } from './onnxModels'
import { backendReady, jobs, setBackendReady, tf } from './runtime'
import { clearVerdicts, listVerdicts, loadVerdict, saveVerdict } from './verdictCache'
import { startupWorkload, type WorkloadSpec } from './workloads'

const currentBackend = (): TfjsBackend | undefined => (tf.getBackend() ?? undefined) as TfjsBackend | undefined

async function switchTo(b: TfjsBackend): Promise<void> {
  if (currentBackend() !== b) {
    if (!(await tf.setBackend(b))) throw new Error(`tfjs could not switch to ${b}`)
    await tf.ready()
  }
  watchDevice()
}

export const gate = new BackendGate({ current: currentBackend, switchTo })

let env: MeasureEnvironment = { userAgent: '' }
let forced: TfjsBackend | undefined
let notice: string | undefined
let measuring: string | undefined
let gpuLost: string | undefined
/** Set while the ORT VJP executor prepares a model (its init stages: seconds on a first visit). */
let preparing: string | undefined
/** The ORT executor's first init, started once no job runs (it would compete with the run for the CPU). */
let pendingPrepare: (() => void) | undefined
const ORT_LATER = 'not timed yet: its first preparation takes long, so it is prepared after this run and timed on the next'

function startPendingPrepare(): void {
  if (!pendingPrepare || running.size > 0) return
  const p = pendingPrepare
  pendingPrepare = undefined
  p()
}
let notify: ((s: BackendStatus) => void) | undefined
const probes = new Map<TfjsBackend, ProbeResult>()
/** Verdicts reached in this session, by cache key; the specs to re-measure them with. */
const verdicts = new Map<string, Verdict>()
const specs = new Map<string, WorkloadSpec>()
let lastVerdict: Verdict | undefined

interface RunningJob {
  label: string
  lease: Lease
  controller: AbortController
  step?: { step: number; steps: number; what?: string }
}
const running = new Map<string, RunningJob>()

const okBackends = (): TfjsBackend[] => TFJS_BACKENDS.filter((b) => probes.get(b)?.ok)

/** This browser and adapter's part of every cache key. */
const envPrefix = (): string => cacheKey(env, startupWorkload.workload).replace(/general$/, '')

export function status(): BackendStatus {
  return {
    backend: currentBackend() ?? 'cpu',
    probes: [...probes.values()],
    notice,
    adapter: env.adapter,
    verdict: lastVerdict,
    verdicts: [...verdicts.values()],
    measuring,
    preparing,
    forced,
  }
}

// the ORT VJP executor's init shows on the badge as it goes; a fallback to tfjs is a notice
onOrtVjpProgress((e) => {
  if ('fallback' in e) notice = `The ORT executor could not be used for ${e.model}; computing with the tfjs executor instead (${e.fallback}).`
  else preparing = e.preparing
  publish()
})

/** Applies the verdict's executor to the workload's model; ?executor=ort makes it the ORT executor on wasm. */
function withExecutor(spec: WorkloadSpec, v: Verdict): Verdict {
  const ex = spec.executors
  if (!ex) return v
  let out = v
  if (ex.mode === 'ort' && v.chosen === 'wasm' && v.executor !== 'ort-vjp') out = { ...v, executor: 'ort-vjp', reason: `${v.reason}; the ORT executor is forced by ?executor=ort` }
  ex.use(out.chosen === 'wasm' && out.executor === 'ort-vjp' ? 'ort-vjp' : 'tfjs')
  return out
}

function publish(): BackendStatus {
  const s = status()
  notify?.(s)
  return s
}

/** The known-answer probe; webgpu is not handed to tfjs without an adapter (its factory would throw a TypeError). */
async function probe(b: TfjsBackend): Promise<ProbeResult> {
  let p: ProbeResult
  if (b === 'webgpu' && gpuLost) p = { backend: b, ok: false, reason: `the GPU device was lost in this session (${gpuLost}); reload the page to use it again`, ms: 0 }
  else if (b === 'webgpu' && !env.adapter) p = { backend: b, ok: false, reason: 'WebGPU is not available here (no navigator.gpu or no adapter; Chromium needs --enable-unsafe-webgpu on Linux)', ms: 0 }
  else p = await probeBackend(tf, b)
  probes.set(b, p)
  if (p.ok) watchDevice()
  return p
}

/** Diagnostics' probe: the same guards, and it leaves tfjs on the probed backend when ok. */
export const guardedProbe = (_tf: unknown, b: TfjsBackend): Promise<ProbeResult> => probe(b)

async function ensureProbed(list: readonly TfjsBackend[]): Promise<void> {
  for (const b of list) if (!probes.has(b)) await probe(b)
}

/**
 * The verdict for a workload: this session's, else the cached one (its backend re-probed), else measured now.
 * Must run under an exclusive lease: it probes and switches backends.
 */
async function verdictFor(spec: WorkloadSpec, signal?: AbortSignal, onProgress?: (m: string) => void): Promise<Verdict> {
  const key = cacheKey(env, spec.workload)
  specs.set(key, spec)
  if (forced) return forcedVerdict(env, spec.workload, forced, Date.now())
  const session = verdicts.get(key)
  if (session && probes.get(session.chosen)?.ok) {
    // a provisional verdict (the ORT executor was still to be prepared) is completed once timing it is cheap
    if (!session.provisional || !spec.executors || !(await spec.executors.cheap())) return session
    return finish(spec, key, [...session.timings.filter((t) => executorOf(t) !== 'ort-vjp'), await timeOrtStep(spec.executors, `measuring the backends for ${spec.workload.label}`, onProgress)], false)
  }
  const cached = await loadVerdict(key)
  if (cached) {
    await ensureProbed([cached.chosen])
    const v = usableCached(cached, key, okBackends())
    if (v) {
      verdicts.set(key, v)
      return v
    }
  }
  await ensureProbed(TFJS_BACKENDS)
  const what = `measuring the backends for ${spec.workload.label}`
  measuring = what
  publish()
  try {
    const recipe = await spec.recipe()
    const timings: BackendTiming[] = await measureBackends(okBackends(), {
      timeOne: (b, bound, sig) => timeInWorker(b, recipe, bound, sig),
      onProgress: (m) => {
        measuring = `${what}: ${m}`
        publish()
        onProgress?.(measuring)
      },
      signal,
    }, spec.workload.kind === 'general' ? STARTUP_BUDGET_MS : MEASURE_BUDGET_MS, (b) => isSoftware(b, env), spec.workload.kind === 'general' ? [] : prescreen(startupVerdict(), env, okBackends()))
    // the ORT VJP executor, a second candidate on wasm: prepared (not timed: it is cached per model), then the
    // same step at the same batch
    // — when that is cheap (initialised, or its graphs cached by an earlier visit); else this verdict is provisional
    // (neither kept nor stored) and the executor is prepared in the background once the jobs are done, so that
    // the next run times it
    let provisional = false
    if (spec.executors?.mode === 'auto' && okBackends().includes('wasm')) {
      if (await spec.executors.cheap()) {
        timings.push(await timeOrtStep(spec.executors, what, onProgress))
        signal?.throwIfAborted()
      } else {
        provisional = true
        timings.push({ backend: 'wasm', executor: 'ort-vjp', status: 'skipped', reason: ORT_LATER })
        pendingPrepare = spec.executors.prepare
      }
    }
    return await finish(spec, key, timings, provisional)
  } finally {
    measuring = undefined
  }
}

async function timeOrtStep(ex: NonNullable<WorkloadSpec['executors']>, what: string, onProgress?: (m: string) => void): Promise<BackendTiming> {
  measuring = `${what}: timing the ORT executor`
  publish()
  onProgress?.(measuring)
  try {
    return await ex.timeOrt()
  } finally {
    measuring = undefined
  }
}

/** The verdict from the timings, kept for this session; stored unless provisional. */
async function finish(spec: WorkloadSpec, key: string, timings: BackendTiming[], provisional: boolean): Promise<Verdict> {
  const v = measuredVerdict(env, spec.workload, timings, Date.now())
  if (provisional) v.provisional = true
  else {
    const note = await saveVerdict(v)
    if (note) v.cacheNote = note
  }
  verdicts.set(key, v)
  return v
}

const startupVerdict = (): Verdict | undefined => verdicts.get(cacheKey(env, startupWorkload.workload))

/** Chooses the tfjs backend at start-up: the forced one when it works, else the measured start-up verdict. */
export async function initBackends(wanted: TfjsBackend | undefined, onChange: (s: BackendStatus) => void): Promise<BackendStatus> {
  notify = onChange
  env = { userAgent: globalThis.navigator?.userAgent ?? 'unknown', adapter: await adapterInfo(), webglRenderer: webglRenderer() }
  await gate.with({ exclusive: true, label: 'start-up' }, async () => {
    if (wanted) {
      const p = await probe(wanted)
      if (p.ok) forced = wanted
      else notice = `The backend "${wanted}" was asked for (?backend=${wanted}) but cannot be used: ${p.reason}. Falling back to the measured choice.`
    }
    lastVerdict = await verdictFor(startupWorkload)
    await switchTo(lastVerdict.chosen)
  })
  setBackendReady()
  return publish()
}

/** The backend this workload should run on; measures it (≈ 2 s) when no verdict is known and nothing runs. */
async function preferredFor(spec: WorkloadSpec, signal: AbortSignal, onProgress?: (m: string) => void): Promise<TfjsBackend | undefined> {
  const key = cacheKey(env, spec.workload)
  specs.set(key, spec)
  const session = verdicts.get(key)
  // a provisional verdict goes back through verdictFor, which completes it when the ORT executor is ready
  let v: Verdict | undefined = forced ? forcedVerdict(env, spec.workload, forced, Date.now()) : session?.provisional ? undefined : session
  if (!v) {
    if (gate.held().length > 0 || gate.waiting > 0) {
      // other jobs are running: do not make this one wait to measure; use a cached verdict if its backend is
      // known to work, else the current backend (measured next time)
      v = usableCached(await loadVerdict(key), key, okBackends()) ?? session
      if (!v) return undefined
    } else {
      v = await gate.with({ exclusive: true, label: measuringLabel(spec), signal }, () => verdictFor(spec, signal, onProgress))
    }
  }
  lastVerdict = withExecutor(spec, v)
  publish()
  return v.chosen
}

const measuringLabel = (spec: WorkloadSpec): string => `measuring the backends for ${spec.workload.label}`

export interface JobOptions {
  label: string
  /** The job's workload: its measured verdict picks the backend. */
  workload?: () => Promise<WorkloadSpec>
  /** The job needs the worker to itself (Diagnostics: it switches backends). */
  exclusive?: boolean
  /** Plain sentences while the job waits for others or measures. */
  onWait?: (message: string) => void
  /** Runs after the lease, before the job's tensor count is taken (e.g. builds and folds the graph). */
  prepare?: (signal: AbortSignal) => Promise<void>
}

/** Runs a job on the backend its workload measured fastest; it keeps that backend until it ends. */
export async function runJob<T>(id: string, opts: JobOptions, body: (signal: AbortSignal, backend: TfjsBackend | undefined) => Promise<T>): Promise<T> {
  await backendReady
  let lease: Lease | undefined
  return jobs.run(id, (signal) => body(signal, lease?.backend ?? currentBackend()), {
    setup: async (signal, controller) => {
      const want = opts.workload && !opts.exclusive ? await preferredFor(await opts.workload(), signal, opts.onWait) : undefined
      lease = await gate.acquire({ label: opts.label, want, exclusive: opts.exclusive, signal, onWait: opts.onWait, controller })
      running.set(id, { label: opts.label, lease, controller })
      if (lease.note) opts.onWait?.(lease.note)
      publish()
      await opts.prepare?.(signal)
    },
    cleanup: () => {
      running.delete(id)
      lease?.release()
      startPendingPrepare()
    },
  })
}

/** Short, tensor-touching calls that are not jobs (previews, demos, checks): they hold the current backend. */
export async function onCurrentBackend<T>(label: string, body: () => Promise<T>): Promise<T> {
  await backendReady
  return gate.with({ label }, () => body())
}

/** A job reports its progress so that a lost GPU can say where the run stopped. */
export function jobStep(id: string, step: number, steps: number, what?: string): void {
  const j = running.get(id)
  if (j) j.step = { step, steps, what }
}

/** True once the job's run was stopped by a lost GPU (its method errors are then that, not a bug). */
export function stoppedByLostGpu(signal: AbortSignal): boolean {
  return signal.reason instanceof JobStopped
}

/** Forgets the stored verdicts and measures again every workload seen in this session. */
export async function remeasure(id: string, onProgress: (p: Progress) => void): Promise<BackendStatus> {
  await backendReady
  return runJob(id, { label: 'Re-measure', exclusive: true, onWait: (m) => onProgress({ fraction: 0, message: m }) }, async (signal) => {
    const note = await clearVerdicts(envPrefix())
    verdicts.clear()
    const list = [...specs.values()]
    const before = lastVerdict?.key
    for (let i = 0; i < list.length; i++) {
      const spec = list[i]!
      onProgress({ fraction: i / list.length, message: measuringLabel(spec) })
      const v = withExecutor(spec, await verdictFor(spec, signal, (m) => onProgress({ fraction: i / list.length, message: m })))
      if (note && !v.cacheNote) v.cacheNote = note
      if (v.key === before || !lastVerdict) lastVerdict = v
    }
    await switchTo(lastVerdict?.chosen ?? 'wasm')
    onProgress({ fraction: 1, message: 'done' })
    return publish()
  })
}

/** Every verdict this browser and adapter has: this session's and the stored ones. */
export async function knownVerdicts(): Promise<Verdict[]> {
  const stored = await listVerdicts(envPrefix())
  const byKey = new Map<string, Verdict>(stored.map((v) => [v.key, { ...v, source: 'cached' }]))
  for (const v of verdicts.values()) byKey.set(v.key, v)
  return [...byKey.values()].sort((a, b) => b.measuredAt - a.measuredAt)
}

// ---- the GPU device lost mid-run -------------------------------------------------------------------------

let watched: GpuDeviceLike | undefined

function watchDevice(): void {
  if (currentBackend() !== 'webgpu') return
  const device = (tf.backend() as unknown as { device?: GpuDeviceLike }).device
  if (!device || device === watched) return
  watched = device
  void device.lost.then((info) => {
    if (watched !== device) return
    watched = undefined
    void onGpuLost(`${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`)
  })
}

/** Test hook: destroys the WebGPU device tfjs uses (the page's "lose the GPU" button in tests). */
export function loseGpuDevice(): boolean {
  const device = currentBackend() === 'webgpu' ? (tf.backend() as unknown as { device?: GpuDeviceLike }).device : undefined
  if (!device) return false
  device.destroy()
  return true
}

/** The fastest backend left once webgpu is gone: from the last verdict's timings, else wasm > webgl > cpu. */
function nextAfterLoss(): TfjsBackend {
  const timed = (lastVerdict?.timings ?? [])
    .filter((t): t is Extract<BackendTiming, { status: 'timed' }> => t.status === 'timed' && t.backend !== 'webgpu')
    .sort((a, b) => a.ms - b.ms)
  if (timed[0]) return timed[0].backend
  const registered = (b: TfjsBackend): boolean => tf.findBackendFactory(b) !== null && probes.get(b)?.ok !== false
  return (['wasm', 'webgl', 'cpu'] as const).find(registered) ?? 'cpu'
}

function lostMessage(j: RunningJob, next: TfjsBackend): string {
  const where = j.step ? `at step ${j.step.step} of ${j.step.steps}${j.step.what ? ` (${j.step.what})` : ''}` : `during the ${j.label}`
  return `The GPU was lost ${where}; the run stopped; press Run to start again on ${next}.`
}

async function onGpuLost(reason: string): Promise<void> {
  gpuLost = reason
  const next = nextAfterLoss()
  for (const j of running.values()) {
    if (j.lease.backend === 'webgpu' && !j.controller.signal.aborted) j.controller.abort(new JobStopped(lostMessage(j, next)))
  }
  // "press Run to start again on <next>" must hold: a forced webgpu becomes <next> for this session, and
  // every verdict that chose webgpu now chooses the next fastest it measured (or <next>)
  if (forced === 'webgpu') forced = next
  for (const [k, v] of verdicts) {
    if (v.chosen !== 'webgpu') continue
    const alt = v.timings.filter((t): t is Extract<BackendTiming, { status: 'timed' }> => t.status === 'timed' && t.backend !== 'webgpu').sort((a, b) => a.ms - b.ms)[0]?.backend ?? next
    verdicts.set(k, { ...v, chosen: alt, reason: `${alt} — the GPU was lost; ${alt} is the next fastest for ${v.workload}` })
  }
  notice = `The GPU device was lost (${reason}); now computing on ${next}.`
  probes.set('webgpu', { backend: 'webgpu', ok: false, reason: `the GPU device was lost in this session (${reason}); reload the page to use it again`, ms: 0 })
  publish()
  // waits until the stopped jobs have unwound (their tensors freed), then cleans up and moves on
  await gate.with({ exclusive: true, label: 'recovery from the lost GPU' }, async () => {
    evictDenoisers('webgpu')
    try {
      if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu')
    } catch (e) {
      console.warn(`removing the lost webgpu backend: ${e instanceof Error ? e.message : String(e)}`)
    }
    let to = next
    if (!probes.get(to)?.ok && !(await probe(to)).ok) to = (await ladderAfterLoss()) ?? 'cpu'
    await switchTo(to)
    if (forced && forced !== to) forced = to
    if (lastVerdict?.chosen === 'webgpu' || lastVerdict?.source === 'forced') {
      lastVerdict = { ...lastVerdict, chosen: to, source: 'measured', reason: `${to} — the GPU was lost; ${to} is the next fastest for ${lastVerdict.workload}` }
    }
    notice = `The GPU device was lost (${reason}); now computing on ${to}.`
  })
  publish()
}

async function ladderAfterLoss(): Promise<TfjsBackend | undefined> {
  for (const b of ['wasm', 'webgl', 'cpu'] as const) if ((await probe(b)).ok) return b
  return undefined
}
