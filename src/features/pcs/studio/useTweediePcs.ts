// A tiny hook around the worker's tweediePcs job: run / cancel / progress / result, cancelled on unmount.
import { useCallback, useEffect, useRef, useState } from 'react'
import { computeWorker, newJobId, proxy } from '../../../workers/client'
import type { PcsProgress, PcsResult, TweediePcsRequest } from '../../../workers/pcsApi'

export interface TweediePcsState {
  running: boolean
  progress?: PcsProgress
  result?: PcsResult
  error?: string
  run(req: TweediePcsRequest): Promise<void>
  cancel(): void
}

export function useTweediePcs(): TweediePcsState {
  const job = useRef<string | undefined>(undefined)
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useState<PcsProgress>()
  const [result, setResult] = useState<PcsResult>()
  const [error, setError] = useState<string>()
  const cancel = useCallback(() => { if (job.current) void computeWorker().cancel(job.current) }, [])
  useEffect(() => cancel, [cancel])
  const run = useCallback(async (req: TweediePcsRequest) => {
    if (job.current) return
    const id = newJobId('tweedie-pcs')
    job.current = id
    setRunning(true); setProgress(undefined); setResult(undefined); setError(undefined)
    try {
      setResult(await computeWorker().tweediePcs(id, req, proxy((p: PcsProgress) => setProgress(p))))
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e)
      setError(/cancelled/.test(msg) ? 'Cancelled.' : `Tweedie PCs failed: ${msg}`)
    } finally {
      job.current = undefined
      setRunning(false)
    }
  }, [])
  return { running, progress, result, error, run, cancel }
}
