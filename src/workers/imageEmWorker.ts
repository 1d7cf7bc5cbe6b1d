// Worker side of the image EM lab: runImageEm (the CLI's code) on the tfjs backend its U-Net measured fastest
// (one M-step step + one E-step step on each backend, backendService), kept until the run ends.
import { backendReady } from './runtime'
import type { ImageEmApi, ImageEmPhase } from './imageEmApi'
import { makeImageEmTask, runImageEm } from '../engines/tfjs/imageEmRunner'
import { loadMnist } from '../core/emImages/mnistLoad'
import { DIGIT_PIXELS, heldOutDigits } from '../core/emImages/digits'
import { createDigitScorer, type DigitScorer } from '../engines/tfjs/digitScorer'
import classifierUrl from '../../models/mnist-classifier/classifier.onnx?url'
import { tf } from './runtime'
import { registerLearned } from './learnedModels'
import { jobStep, runJob } from './backendService'
import { imageEmWorkload } from './workloads'

// The FD scorer (models/mnist-classifier on the run's tfjs backend, reference statistics of the held-out clean
// digits computed once): kept per backend and held-out size, rebuilt when the backend changes.
let scorerCache: { key: string; scorer: Promise<DigitScorer> } | undefined
function digitScorer(heldOut: number): Promise<DigitScorer> {
  const key = `${tf.getBackend()} ${heldOut}`
  if (scorerCache?.key !== key) {
    const old = scorerCache
    if (old) void old.scorer.then((s) => s.dispose(), () => undefined)
    const scorer = (async () => {
      const r = await fetch(classifierUrl)
      if (!r.ok) throw new Error(`could not load the digit classifier (FD): HTTP ${r.status}`)
      return createDigitScorer(new Uint8Array(await r.arrayBuffer()), heldOutDigits(await loadMnist(), heldOut))
    })()
    scorerCache = { key, scorer }
    scorer.catch(() => { if (scorerCache?.scorer === scorer) scorerCache = undefined })
  }
  return scorerCache.scorer
}

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
      onProgress({ lap, phase: 'metrics', fraction: 0, detail: 'preparing the FD reference (classifier features of the held-out digits)', phaseElapsed: 0, lapElapsed: 0 })
      const scorer = await digitScorer(config.heldOut)
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
      }, await loadMnist(), resume, scorer)
    })
  },
}
