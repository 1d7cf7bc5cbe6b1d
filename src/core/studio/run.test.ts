// runStudio mechanics on an exact Gaussian image prior (1×12×12 images): every method runs on the same
// problem, costs are counted per call, a diverging method stops alone, and nothing leaks.
import { describe, expect, it, beforeAll } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Denoiser, Linearization } from '../types'
import { GaussianPriorDenoiser, gaussianPosterior } from '../priors/gaussian'
import { buildOperator, observe } from './problem'
import { psnr, toUnit } from '../metrics/image'
import { DEFAULT_CONFIG, type StudioConfig } from './config'
import { previewProblem, runStudio, type MethodResult, type RoundInfo, type StudioObservation } from './run'
import { dequantise, quantise, stepPsnr } from './trajectory'

const C = 1, H = 12, W = 12, N = C * H * W

/** A vector denoiser seen as an image denoiser [B, C, H, W]. */
class ImageAdapter implements Denoiser {
  readonly name = 'gaussian-image'
  readonly sampleShape = [C, H, W]
  readonly jacobian
  constructor(private readonly inner: Denoiser, private readonly poisonVjp = false) { this.jacobian = inner.jacobian }
  get cost() { return this.inner.cost }
  resetCost(): void { this.inner.resetCost() }
  denoise(x: Tensor, sigma: number): Tensor {
    return tf.tidy(() => this.inner.denoise(x.reshape([-1, N]), sigma).reshape(x.shape))
  }
  linearize(x: Tensor, sigma: number): Linearization {
    const flat = x.reshape([-1, N])
    const lin = this.inner.linearize(flat, sigma)
    const denoised = tf.keep(lin.denoised.reshape(x.shape))
    return {
      denoised,
      vjp: (v) => tf.tidy(() => (this.poisonVjp ? tf.fill(x.shape, NaN) : lin.vjp(v.reshape([-1, N])).reshape(x.shape))),
      dispose: () => { lin.dispose(); denoised.dispose(); flat.dispose() },
    }
  }
}

function smoothPrior(): GaussianPriorDenoiser {
  const cov = new Float64Array(N * N)
  for (let a = 0; a < N; a++) for (let b = 0; b < N; b++) {
    const [ya, xa, yb, xb] = [Math.floor(a / W), a % W, Math.floor(b / W), b % W]
    cov[a * N + b] = Math.exp(-((ya - yb) ** 2 + (xa - xb) ** 2) / 4) + (a === b ? 0.01 : 0)
  }
  return new GaussianPriorDenoiser({ mean: new Float64Array(N), cov })
}

const clean = Float32Array.from({ length: N }, (_, i) => Math.sin((i % W) / 2) * Math.cos(Math.floor(i / W) / 3))
const config: StudioConfig = {
  ...DEFAULT_CONFIG,
  corruption: { ...DEFAULT_CONFIG.corruption, kind: 'random', missing: 0.5 },
  sigmaY: 0.05,
  steps: 12,
  samples: 3,
  methods: [
    { name: 'dps', solver: 'cg', iters: 0 },
    { name: 'pigdm', solver: 'gmres', iters: 5 },
    { name: 'tmpd', solver: 'gmres', iters: 5 },
    { name: 'diffpir', solver: 'gmres', iters: 5 },
    { name: 'mmps', solver: 'cg', iters: 3 },
  ],
}

beforeAll(async () => { await tf.setBackend('cpu') })

/** PSNR of E[x | y] for the studio's own mask and observation, computed exactly. */
function exactPosteriorPsnr(): number {
  const prior = smoothPrior()
  const A = buildOperator(config.corruption, [C, H, W], config.seed)
  const x = tf.tensor4d(clean, [1, C, H, W])
  const y = observe(A, x, config.sigmaY, config.seed + 101)
  const mask = (A as unknown as { mask: Float32Array }).mask
  const rows = Array.from(mask.keys()).filter((i) => mask[i] === 1)
  const a = new Float64Array(rows.length * N)
  rows.forEach((p, r) => { a[r * N + p] = 1 })
  const yv = y.dataSync()
  const post = gaussianPosterior(prior.spec, a, rows.length, config.sigmaY, rows.map((p) => yv[p]!))
  tf.dispose([x, y])
  A.dispose()
  return psnr(toUnit(clean), toUnit(post.mean))
}

describe('previewProblem', () => {
  it('shows the observation a run will see, and a fixed operator seed keeps it across run seeds', async () => {
    const den = new ImageAdapter(smoothPrior())
    const before = tf.memory().numTensors
    const one = { ...config, methods: [config.methods[3]!], steps: 2, samples: 1 }
    let seen: StudioObservation | undefined
    await runStudio(den, clean, [C, H, W], one, { onObservation: (o) => { seen = o }, onRound: () => {}, onMethodDone: () => {} })
    const preview = await previewProblem(clean, [C, H, W], one)
    expect(Array.from(preview.y)).toEqual(Array.from(seen!.y))
    expect(preview.baselinePsnr).toBe(seen!.baselinePsnr)
    const pinned = { ...one, corruption: { ...one.corruption, opSeed: 3 } }
    const a = await previewProblem(clean, [C, H, W], { ...pinned, seed: 1 })
    const b = await previewProblem(clean, [C, H, W], { ...pinned, seed: 2 })
    const free = await previewProblem(clean, [C, H, W], { ...one, seed: 2 })
    expect(Array.from(a.y)).toEqual(Array.from(b.y))
    expect(Array.from(free.y)).not.toEqual(Array.from(b.y))
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('runStudio', () => {
  it('runs every method on one problem with per-call costs and no leaks', async () => {
    const den = new ImageAdapter(smoothPrior())
    const before = tf.memory().numTensors
    const done: MethodResult[] = []
    let snapshots = 0
    let observed = 0
    let observedPsnr = 0
    const results = await runStudio(den, clean, [C, H, W], { ...config, samples: 8, steps: 16 }, {
      onObservation: (o) => { observed = o.baseline.length; observedPsnr = o.baselinePsnr },
      onRound: (r) => { snapshots += r.frames.length },
      onMethodDone: (r) => { done.push(r) },
    })
    expect(tf.memory().numTensors).toBe(before)
    expect(observed).toBe(N)
    expect(snapshots).toBeGreaterThan(5 * 4)
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done', 'done'])
    const byName = Object.fromEntries(results.map((r) => [r.spec.name, r]))
    expect(byName.dps!.vjp / byName.dps!.calls).toBe(1)
    expect(byName.mmps!.vjp / byName.mmps!.calls).toBe(3)
    expect(byName.mmps!.forward / byName.mmps!.calls).toBe(1)
    expect(byName.diffpir!.vjp).toBe(0)
    expect(byName.mmps!.samples!.length).toBe(8 * N)
    expect(byName.mmps!.std!.every((v) => v >= 0)).toBe(true)
    // oracle: the exact posterior mean under the same prior and mask (float64); the baseline is far below it
    const exact = exactPosteriorPsnr()
    // (8 samples: the Monte-Carlo error of their mean costs a few dB against the exact mean)
    expect(byName.mmps!.psnrMean!).toBeGreaterThan(exact - 4)
    expect(exact).toBeGreaterThan(observedPsnr) // a smooth image: the prior's interpolation beats zero-filling
    expect(byName.mmps!.consistency!).toBeLessThan(0.2)
  })

  it('a method whose Jacobian products are NaN stops as diverged; the others go on', async () => {
    const den = new ImageAdapter(smoothPrior(), true)
    const results = await runStudio(den, clean, [C, H, W], { ...config, methods: [config.methods[0]!, config.methods[3]!] }, {
      onObservation: () => {}, onRound: () => {}, onMethodDone: () => {},
    })
    expect(results[0]!.status).toBe('diverged')
    expect(results[0]!.error).toMatch(/NaN/)
    expect(results[1]!.status).toBe('done') // DiffPIR uses no network VJP
  })
})

describe('lockstep, per-step metrics and cancel', () => {
  const three = { ...config, steps: 6, samples: 2, methods: [config.methods[0]!, config.methods[1]!, config.methods[4]!] }

  it('every round holds one frame per method at the same step; each method gives what it gives alone', async () => {
    const den = new ImageAdapter(smoothPrior())
    const rounds: RoundInfo[] = []
    const together = await runStudio(den, clean, [C, H, W], three, { onObservation: () => {}, onRound: (r) => { rounds.push(r) }, onMethodDone: () => {} })
    expect(rounds.map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5, 6])
    for (const r of rounds) {
      expect(r.frames.map((f) => f.method)).toEqual([0, 1, 2])
      expect(r.frames.every((f) => f.step === r.step)).toBe(true)
    }
    // interleaving changes nothing: MMPS alone draws the same samples
    const alone = await runStudio(den, clean, [C, H, W], { ...three, methods: [three.methods[2]!] }, { onObservation: () => {}, onRound: () => {}, onMethodDone: () => {} })
    expect(Array.from(alone[0]!.samples!)).toEqual(Array.from(together[2]!.samples!))
    expect(together.every((r) => r.reached === 7 && r.steps === 6)).toBe(true)
  })

  it('onExactStep hands over the float x_t of each method\'s first sample at every step, the one the frame shows in 8 bits', async () => {
    const den = new ImageAdapter(smoothPrior())
    const rounds: RoundInfo[] = []
    const exact: { method: number; step: number; sigma: number; xt: Float32Array }[] = []
    await runStudio(den, clean, [C, H, W], three, {
      onObservation: () => {}, onRound: (r) => { rounds.push(r) }, onMethodDone: () => {},
      onExactStep: (method, step, sigma, xt) => { exact.push({ method, step, sigma, xt }) },
    })
    expect(exact).toHaveLength(3 * 7)
    for (const r of rounds) for (const f of r.frames) {
      const e = exact.find((x) => x.method === f.method && x.step === f.step)!
      expect(e.xt).toHaveLength(N)
      expect(e.sigma).toBe(f.sigma)
      expect(Array.from(quantise(e.xt))).toEqual(Array.from(f.xt!))
    }
    // float, not the 8-bit frame: some value differs from its dequantised frame
    const e0 = exact.find((x) => x.method === 2 && x.step === 3)!
    const f0 = rounds[3]!.frames[2]!
    expect(Array.from(dequantise(f0.xt!)).some((v, i) => v !== e0.xt[i])).toBe(true)
  })

  it('the last frame is the first sample: its PSNR and residual match the sample computed directly', async () => {
    const den = new ImageAdapter(smoothPrior())
    const rounds: RoundInfo[] = []
    const [r] = await runStudio(den, clean, [C, H, W], { ...three, methods: [three.methods[2]!] }, { onObservation: () => {}, onRound: (x) => { rounds.push(x) }, onMethodDone: () => {} })
    const last = rounds.at(-1)!.frames[0]!
    const first = r!.samples!.subarray(0, N)
    expect(last.psnr).toBeCloseTo(stepPsnr(clean, first), 10)
    // the frame's image is the sample, to the canvas's 8 bits
    const back = dequantise(last.denoised!)
    expect(Math.max(...Array.from(back, (v, i) => Math.abs(v - Math.max(-2, Math.min(2, first[i]!)))))).toBeLessThanOrEqual(2 / 63.75 + 1e-6)
    // residual: RMS of y − A x̂ for that sample (A is a mask here)
    const A = buildOperator(three.corruption, [C, H, W], three.seed)
    const y = observe(A, tf.tensor4d(clean, [1, C, H, W]), three.sigmaY, three.seed + 101)
    const want = tf.tidy(() => tf.sqrt(tf.mean(tf.square(tf.sub(y, A.apply(tf.tensor4d(first, [1, C, H, W])))))).dataSync()[0]!)
    expect(last.residual).toBeCloseTo(want, 5)
    y.dispose(); A.dispose()
  })

  it('a cancel ends every method as cancelled at the same step, with nothing leaked', async () => {
    const den = new ImageAdapter(smoothPrior())
    const before = tf.memory().numTensors
    const ctl = new AbortController()
    const done: MethodResult[] = []
    const results = await runStudio(den, clean, [C, H, W], three, {
      signal: ctl.signal,
      onObservation: () => {},
      onRound: (r) => { if (r.step === 2) ctl.abort() },
      onMethodDone: (r) => { done.push(r) },
    })
    expect(results.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect(results.map((r) => r.reached)).toEqual([3, 3, 3])
    expect(done).toHaveLength(3)
    expect(results.every((r) => r.samples === undefined)).toBe(true)
    expect(tf.memory().numTensors).toBe(before)
  })
})
