// How a lab run ended, from the worker call's outcome: done, stopped by the user (the job registry's
// "cancelled"), or failed with its message; and what the page says about it.
import type { LabRunRecord } from './runsDb'

export function endedRun<R extends LabRunRecord<unknown>>(run: R, error?: unknown): { run: R; message?: string } {
  if (error === undefined) return { run: { ...run, status: 'done' } }
  const msg = error instanceof Error ? error.message : String(error)
  const cancelled = /cancelled/.test(msg)
  return {
    run: { ...run, status: cancelled ? 'stopped' : 'failed', error: cancelled ? undefined : msg },
    message: cancelled ? 'Run stopped; resume continues from the last finished lap.' : `The run failed: ${msg}`,
  }
}
