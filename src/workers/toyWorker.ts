// Worker side of the analytic toy (ToyApi): the plain-float64 drivers of core/toy run here, never on the main
// thread. The drivers await the checkpoint every few tens of ms; it yields to the event loop (so a cancel
// message can arrive) and throws once the job is aborted.
import { runHelix, runToyExperiment } from '../core/toy/experiment'
import { yieldToEvents } from './jobs'
import { backendReady, jobs } from './runtime'
import type { Progress } from './jobs'
import type { ToyApi, ToyRow } from './toyApi'

/** Messages to the main thread cost it a render each: send progress and rows at most every `ms`. */
const PROGRESS_MS = 150
const ROWS_MS = 400

function throttledProgress(send: (p: Progress) => void): (fraction: number, message: string) => void {
  let last = 0
  return (fraction, message) => {
    const now = Date.now()
    if (now - last < PROGRESS_MS && fraction < 1) return
    last = now
    void send({ fraction, message })
  }
}

const checkpointFor = (signal: AbortSignal) => async (): Promise<void> => {
  signal.throwIfAborted()
  await yieldToEvents()
  signal.throwIfAborted()
}

export const toyApi: ToyApi = {
  async runToy(jobId, config, onProgress, onRows) {
    // The toy is plain float64 JS, but the job registry counts tensors: wait until init() chose a backend.
    void onProgress({ fraction: 0, message: 'waiting for the compute backend' })
    await backendReady
    let pending: ToyRow[] = []
    let last = Date.now()
    const flush = (): void => {
      if (pending.length) void onRows(pending)
      pending = []
      last = Date.now()
    }
    try {
      return await jobs.run(jobId, (signal) =>
        runToyExperiment(config, {
          checkpoint: checkpointFor(signal),
          onProgress: throttledProgress(onProgress),
          onRow: (row) => {
            pending.push(row)
            if (Date.now() - last >= ROWS_MS) flush()
          },
        }),
      )
    } finally {
      flush()
    }
  },
  async runHelix(jobId, config, onProgress) {
    await backendReady
    return jobs.run(jobId, (signal) =>
      runHelix(config, {
        checkpoint: checkpointFor(signal),
        onProgress: throttledProgress(onProgress),
      }),
    )
  },
}
