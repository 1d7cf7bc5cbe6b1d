// The compute worker's typed API (Comlink). The main thread only ever sees these plain types.
import type { TfjsBackend, ProbeResult } from '../engines/tfjs/backends'
import type { Progress } from './jobs'
import type { BackendTiming, Verdict } from './backendChoice'
import type { ManifoldApi } from './manifoldApi'
import type { ModelsApi } from './modelsApi'
import type { StudioApi } from './studioApi'
import type { ByoApi } from './byoApi'
import type { ToyApi } from './toyApi'
import type { PcsApi } from './pcsApi'
import type { ImageEmApi } from './imageEmApi'

export type { Progress, TfjsBackend, ProbeResult, Verdict, BackendTiming }

export interface BackendStatus {
  backend: TfjsBackend
  probes: ProbeResult[]
  /** A user-visible message, e.g. a forced backend that is missing or a lost GPU device. */
  notice?: string
  /** WebGPU adapter of this worker, when it got one. */
  adapter?: AdapterInfo
  /** The measured choice behind the current backend (the last workload that chose it). */
  verdict?: Verdict
  /** Every verdict reached in this session. */
  verdicts: Verdict[]
  /** Set while the worker times the backends for a workload. */
  measuring?: string
  /** Set while the ORT VJP executor prepares a model ("preparing the ORT executor for …: forward session (4 s so far)"). */
  preparing?: string
  /** The backend forced by ?backend=, when it works. */
  forced?: TfjsBackend
}

export interface AdapterInfo {
  vendor: string
  architecture: string
  device: string
  description: string
  isFallbackAdapter: boolean
}

export type DiagnosticEngine = 'tfjs' | 'onnxruntime-web'

export interface DiagnosticRow {
  engine: DiagnosticEngine
  backend: string
  available: boolean
  /** Why the backend is unavailable or failed. */
  reason?: string
  /** Adapter / renderer description. */
  info?: string
  /** Max |result − cpu result| over outputs (and gradients for tfjs). */
  maxAbsDiff?: number
  agrees?: boolean
  /** Wall time of the measured run (after a warm-up) in ms. */
  ms?: number
  /** First run including initialisation / shader compilation, ms. */
  firstMs?: number
}

export interface DiagnosticsReport {
  rows: DiagnosticRow[]
  /** The tfjs backend the worker went back to after the run. */
  backend: TfjsBackend
  tolerance: number
}

export interface MemoryInfo {
  numTensors: number
  numBytes: number
  /** onnxruntime-web sessions and tfjs-executed ONNX graphs held by the worker's caches. */
  ortSessions: number
  onnxGraphs: number
}

/** The shell's part of the worker API (backend choice, diagnostics, memory). */
export interface ShellApi {
  /** Chooses the tfjs backend (forced one when given and working) and reports it. */
  init(forced: TfjsBackend | undefined, onBackendChange: (s: BackendStatus) => void): Promise<BackendStatus>
  status(): Promise<BackendStatus>
  runDiagnostics(jobId: string, onProgress: (p: Progress) => void): Promise<DiagnosticsReport>
  cancel(jobId: string): Promise<boolean>
  memory(): Promise<MemoryInfo>
  /** Forgets the stored verdicts and times the backends again for every workload seen in this session. */
  remeasure(jobId: string, onProgress: (p: Progress) => void): Promise<BackendStatus>
  /** This session's verdicts and the stored ones for this browser and adapter. */
  knownVerdicts(): Promise<Verdict[]>
  /** Test hook: destroys the WebGPU device so the lost-device fallback can be exercised. */
  loseGpuDevice(): Promise<boolean>
}

/**
 * The whole worker API: one interface per feature, each implemented in its own module under src/workers/
 * and spread into the object compute.worker.ts exposes. A feature adds its interface here with one `&` term.
 */
export type ComputeApi = ShellApi & ManifoldApi & ModelsApi & StudioApi & ByoApi & ToyApi & PcsApi & ImageEmApi
