// App-wide compute state: which backend the worker chose, and the Diagnostics run.
import { create } from 'zustand'
import { computeWorker, newJobId, proxy } from '../workers/client'
import type { BackendStatus, DiagnosticsReport, Progress, Verdict } from '../workers/api'
import { parseShellParams } from './urlParams'
import { urlRepairMessages } from './urlRepair'

interface ComputeState {
  status?: BackendStatus
  initError?: string
  urlProblems: string[]
  diagnostics?: DiagnosticsReport
  diagnosticsJob?: string
  diagnosticsProgress?: Progress
  diagnosticsError?: string
  /** Measured backend verdicts of this browser and adapter (this session's and the stored ones). */
  verdicts?: Verdict[]
  remeasureJob?: string
  remeasureProgress?: Progress
  remeasureError?: string
  init(): Promise<void>
  loadVerdicts(): Promise<void>
  remeasure(): Promise<void>
  cancelRemeasure(): Promise<void>
  runDiagnostics(): Promise<void>
  cancelDiagnostics(): Promise<void>
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export const useCompute = create<ComputeState>((set, get) => ({
  urlProblems: [],
  async init() {
    if (get().status) return
    const params = parseShellParams(window.location.search)
    set({ urlProblems: [...urlRepairMessages, ...params.problems] })
    try {
      const status = await computeWorker().init(
        params.backend,
        proxy((s: BackendStatus) => set({ status: s })),
      )
      set({ status })
    } catch (e) {
      set({ initError: `The compute worker could not start: ${errText(e)}` })
    }
  },
  async loadVerdicts() {
    try {
      set({ verdicts: await computeWorker().knownVerdicts() })
    } catch {
      // the table stays as it was; the badge still shows the current choice
    }
  },
  async remeasure() {
    if (get().remeasureJob) return
    const id = newJobId('remeasure')
    set({ remeasureJob: id, remeasureError: undefined, remeasureProgress: { fraction: 0, message: 'starting' } })
    try {
      const status = await computeWorker().remeasure(id, proxy((p: Progress) => set({ remeasureProgress: p })))
      set({ status })
      await get().loadVerdicts()
    } catch (e) {
      const msg = errText(e)
      set({ remeasureError: /cancelled/.test(msg) ? 'Re-measuring cancelled.' : `Re-measuring failed: ${msg}` })
    } finally {
      set({ remeasureJob: undefined })
    }
  },
  async cancelRemeasure() {
    const id = get().remeasureJob
    if (id) await computeWorker().cancel(id)
  },
  async runDiagnostics() {
    if (get().diagnosticsJob) return
    const id = newJobId('diagnostics')
    set({ diagnosticsJob: id, diagnosticsError: undefined, diagnosticsProgress: { fraction: 0, message: 'starting' } })
    try {
      const report = await computeWorker().runDiagnostics(
        id,
        proxy((p: Progress) => set({ diagnosticsProgress: p })),
      )
      set({ diagnostics: report })
    } catch (e) {
      const msg = errText(e)
      set({ diagnosticsError: /cancelled/.test(msg) ? 'Diagnostics cancelled.' : `Diagnostics failed: ${msg}` })
    } finally {
      set({ diagnosticsJob: undefined })
    }
  },
  async cancelDiagnostics() {
    const id = get().diagnosticsJob
    if (id) await computeWorker().cancel(id)
  },
}))
