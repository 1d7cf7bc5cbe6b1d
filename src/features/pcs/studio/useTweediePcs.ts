// A tiny hook around the worker's Tweedie-PC jobs (at a given x_t, or at a kept studio step): run / cancel /
// progress / result, cancelled on unmount.
import { useCallback, useEffect, useRef, useState } from 'react'
import { computeWorker, newJobId, proxy } from '../../../workers/client'
import type { PcsProgress, PcsResult, TweediePcsRequest } from '../../../workers/pcsApi'
import type { StudioTweedieRequest, StudioTweedieResult } from '../../../workers/studioApi'

export interface TweediePcsState {
  running: boolean
  progress?: PcsProgress
  result?: PcsResult | StudioTweedieResult
  error?: string
  /** PCs at the given x_t. */
  run(req: TweediePcsRequest): Promise<void>
  /** PCs at the exact x_t the worker kept for (runId, method, step) of the last studio run. */
  runStudio(req: StudioTweedieRequest): Promise<void>
  cancel(): void
}

type Start = (id: string, onProgress: (p: PcsProgress) => void) => Promise<PcsResult | StudioTweedieResult>

export function useTweediePcs(): TweediePcsState {
  const job = useRef<string | undefined>(undefined)
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useState<PcsProgress>()
  const [result, setResult] = useState<PcsResult | StudioTweedieResult>()
  const [error, setError] = useState<string>()
  const cancel = useCallback(() => { if (job.current) void computeWorker().cancel(job.current) }, [])
  useEffect(() => cancel, [cancel])
  const start = useCallback(async (go: Start) => {
    if (job.current) return
    const id = newJobId('tweedie-pcs')
    job.current = id
    setRunning(true); setProgress(undefined); setResult(undefined); setError(undefined)
    try {
      setResult(await go(id, proxy((p: PcsProgress) => setProgress(p))))
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e)
      setError(/cancelled/.test(msg) ? 'Cancelled.' : `Tweedie PCs failed: ${msg}`)
    } finally {
      job.current = undefined
      setRunning(false)
    }
  }, [])
  const run = useCallback((req: TweediePcsRequest) => start((id, p) => computeWorker().tweediePcs(id, req, p)), [start])
  const runStudio = useCallback((req: StudioTweedieRequest) => start((id, p) => computeWorker().studioTweediePcs(id, req, p)), [start])
  return { running, progress, result, error, run, runStudio, cancel }
}
