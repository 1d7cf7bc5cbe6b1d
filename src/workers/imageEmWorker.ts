// Worker side of the image EM lab: runImageEm (the CLI's code) on the tfjs backend its U-Net measured fastest
// (one M-step step + one E-step step on each backend, backendService), kept until the run ends.
import { backendReady } from './runtime'
import type { ImageEmApi, ImageEmPhase } from './imageEmApi'
import { makeImageEmTask, runImageEm } from '../engines/tfjs/imageEmRunner'
import { loadMnist } from '../core/emImages/mnistLoad'
import { DIGIT_PIXELS } from '../core/emImages/digits'
import { registerLearned } from './learnedModels'
import { jobStep, runJob } from './backendService'
import { imageEmWorkload } from './workloads'

export const imageEmApi: ImageEmApi = {
  async imageEmHeldOut(config, count) {
    const task = makeImageEmTask(await loadMnist(), { ...config, observations: Math.min(config.observations, 1) })
    const k = Math.min(count, config.evalCount) * DIGIT_PIXELS
    const e = task.evalObs
    return { y: e.y.slice(0, k), masks: e.masks?.slice(0, k), truth: task.evalTruth.slice(0, k) }
  },
  async registerLearnedModel(row) {
    registerLearned(row)
  },
  async runImageEm(jobId, config, resume, onLap, onProgress) {
    await backendReady
    let lap = resume ? resume.lap + 1 : 0
    let lapStart = performance.now()
    let phase: ImageEmPhase | undefined
    let phaseStart = lapStart
    // a phase starts where the previous one last reported (its first report comes some steps in)
    let lastAt = lapStart
    await runJob(jobId, {
      label: 'image EM run',
      workload: async () => imageEmWorkload(config),
      onWait: (detail) => onProgress({ lap, phase: 'gaussian', fraction: 0, detail, phaseElapsed: 0, lapElapsed: 0 }),
    }, async (signal) => {
      await runImageEm(config, async (record) => {
        await onLap(record)
        lap = record.lap + 1
        lapStart = performance.now()
        lastAt = lapStart
        phase = undefined
      }, {
        signal,
        onProgress(p, fraction, detail) {
          const now = performance.now()
          if (p !== phase) {
            phase = p
            phaseStart = lastAt
          }
          lastAt = now
          jobStep(jobId, lap, config.laps, `lap ${lap}, ${p}`)
          onProgress({ lap, phase: p, fraction, detail, phaseElapsed: (now - phaseStart) / 1000, lapElapsed: (now - lapStart) / 1000 })
        },
      })
    })
  },
}
