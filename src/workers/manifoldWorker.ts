// Worker side of the manifold lab: runs DiEM on the worker's tfjs backend.
import { backendReady, jobs } from './runtime'
import type { ManifoldApi } from './manifoldApi'
import { manifoldTask, runManifold } from '../engines/tfjs/manifoldRunner'

export const manifoldApi: ManifoldApi = {
  async manifoldTruth(config, max) {
    const task = manifoldTask(config)
    const n = Math.min(max, task.truth.length / 5)
    return Float32Array.from(task.truth.subarray(0, n * 5))
  },
  async runManifold(jobId, config, resume, onLap, onProgress) {
    await backendReady
    await jobs.run(jobId, async (signal) => {
      let lapStart = performance.now()
      let lap = resume ? resume.lap + 1 : 0
      await runManifold(config, resume, async (record) => {
        await onLap(record)
        lap = record.lap + 1
        lapStart = performance.now()
      }, {
        signal,
        onProgress(phase, fraction, detail) {
          onProgress({ lap, phase, fraction, detail, elapsed: (performance.now() - lapStart) / 1000 })
        },
      })
    })
  },
}
