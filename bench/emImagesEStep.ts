// `npx tsx bench/emImagesEStep.ts`: how much of the image E-step's error is the sampler's own? On real MNIST
// (75 % of pixels deleted, σ_y = 0.01), fit the lap-0 Gaussian (tiny preset), then complete held-out
// observations (a) by exact posterior draws and (b) by MMPS on the EXACT Gaussian denoiser (Tweedie
// covariance = the true posterior covariance here) with K DDPM steps and CG c. The gap (b) − (a) is the
// discretisation + CG-truncation error of the E-step alone; no network is involved. tfjs-wasm, Node.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { loadMnist } from '../src/core/emImages/mnistLoad'
import { IMAGE_EM_PRESETS } from '../src/core/emImages/presets'
import { completionPsnr, makeImageEmTask } from '../src/engines/tfjs/imageEmRunner'
import { fitGaussianEm, gaussianPosteriorDraws } from '../src/core/emImages/gaussianEm'
import { DplrGaussianDenoiser } from '../src/core/emImages/dplr'
import { imageEStep } from '../src/core/emImages/estep'
import { mulberry32 } from '../src/core/linalg/random'

await tf.setBackend('wasm')
const c = IMAGE_EM_PRESETS.tiny
const task = makeImageEmTask(await loadMnist(), c)
const fit = fitGaussianEm(task.obs, c.gaussian, c.seed + 17)
const exact = completionPsnr(gaussianPosteriorDraws(task.evalObs, fit.prior, c.gaussian, mulberry32(1)), task.evalTruth)
console.log(`exact posterior draws: ${exact.toFixed(2)} dB (${c.evalCount} held-out observations)`)
const den = new DplrGaussianDenoiser(fit.prior)
for (const [steps, cg] of [[8, 1], [32, 1], [8, 5], [64, 5]] as const) {
  const t0 = performance.now()
  const x = await imageEStep(task.evalObs, den, fit.prior, { ...c.estep, steps, cgIters: cg, covariance: 'tweedie' }, c.schedule, 5)
  console.log(`MMPS on the exact Gaussian denoiser, DDPM ${steps} steps, CG ${cg}: ${completionPsnr(x, task.evalTruth).toFixed(2)} dB (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
}
den.dispose()
