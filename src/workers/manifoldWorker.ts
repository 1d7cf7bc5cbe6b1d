// Worker side of the manifold lab: runs DiEM on the tfjs backend its MLP measured fastest (one training
// step + one sampler step on each backend, backendService), kept until the run ends.
import { backendReady } from './runtime'
import type { ManifoldApi } from './manifoldApi'
import { manifoldTask, runManifold } from '../engines/tfjs/manifoldRunner'
import { jobStep, runJob } from './backendService'
import { mlpWorkload } from './workloads'

export const manifoldApi: ManifoldApi = {
  async manifoldTruth(config, max) {
    const task = manifoldTask(config)
    const n = Math.min(max, task.truth.length / 5)
    return Float32Array.from(task.truth.subarray(0, n * 5))
  },
  async runManifold(jobId, config, resume, onLap, onProgress) {
    await backendReady
    let lap = resume ? resume.lap + 1 : 0
    let lapStart = performance.now()
    await runJob(jobId, {
      label: 'manifold run',
      workload: async () => mlpWorkload(config),
      onWait: (detail) => onProgress({ lap, phase: 'sample', fraction: 0, detail, elapsed: 0 }),
    }, async (signal) => {
      await runManifold(config, resume, async (record) => {
        await onLap(record)
        lap = record.lap + 1
        lapStart = performance.now()
      }, {
        signal,
        onProgress(phase, fraction, detail) {
          jobStep(jobId, lap, config.laps, `lap ${lap}, ${phase}`)
          onProgress({ lap, phase, fraction, detail, elapsed: (performance.now() - lapStart) / 1000 })
        },
      })
    })
  },
}
