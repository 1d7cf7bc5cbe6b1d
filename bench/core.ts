// `npm run bench:core`: per posterior method, network forwards and VJPs per step, seconds per sample, the ratio
// to DPS, and the sampler's overhead over pure network time, on a 32×32×3 problem with the small tfjs conv
// denoiser (src/engines/tfjs/convDenoiser.ts), in Node on the tfjs wasm backend. One table from one run.
//
// The machine is shared (a training job runs beside us), so: every method runs REPS times, interleaved, and we
// keep each method's fastest run; and the network time is measured inside that same run by a timing wrapper
// around the denoiser (tfjs-wasm executes synchronously, so wall time around a call is its compute time).
// Overhead = (run time − time inside the network) / time inside the network.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { cpus } from 'node:os'
import { createConvDenoiser } from '../src/engines/tfjs/convDenoiser'
import { pixelMaskOperator, randomPixelMask } from '../src/core/operators/mask'
import { posteriorDenoiser, type MethodName, type MethodOptions } from '../src/core/posterior/registry'
import { sample } from '../src/core/diffusion/sampler'
import type { Cost, Denoiser, Linearization } from '../src/core/types'

/** Delegates to a Denoiser and accumulates the wall time spent inside it. */
class TimedDenoiser implements Denoiser {
  seconds = 0
  constructor(private readonly inner: Denoiser) {}
  get name(): string { return this.inner.name }
  get sampleShape(): readonly number[] { return this.inner.sampleShape }
  get jacobian(): Denoiser['jacobian'] { return this.inner.jacobian }
  get cost(): Cost { return this.inner.cost }
  resetCost(): void { this.inner.resetCost() }
  private timed<T>(f: () => T): T { const t0 = performance.now(); try { return f() } finally { this.seconds += (performance.now() - t0) / 1000 } }
  denoise(x: tf.Tensor, sigma: number): tf.Tensor { return this.timed(() => this.inner.denoise(x, sigma)) }
  linearize(x: tf.Tensor, sigma: number): Linearization {
    const lin = this.timed(() => this.inner.linearize(x, sigma))
    return { denoised: lin.denoised, vjp: (v) => this.timed(() => lin.vjp(v)), dispose: () => lin.dispose() }
  }
}

const B = 4, C = 3, H = 32, W = 32, STEPS = 16, REPS = 5

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
function timeIt(f: () => void, reps: number): number {
  const ts: number[] = []
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0) }
  return median(ts) / 1000
}

async function main(): Promise<void> {
  await tf.setBackend('wasm')
  await tf.ready()
  const { denoiser, dispose } = createConvDenoiser({ channels: C, height: H, width: W, hidden: 32, seed: 1 })
  const op = pixelMaskOperator(randomPixelMask(H, W, 0.75, 2), C, H, W)
  const xTrue = tf.randomUniform([1, C, H, W], -1, 1, 'float32', 3)
  const y = tf.tidy(() => tf.add(op.apply(xTrue), tf.randomNormal([1, C, H, W], 0, 0.02, 'float32', 4)))

  // isolated network timings on the benchmark batch (after warm-up)
  const x = tf.randomNormal([B, C, H, W], 0, 1, 'float32', 5)
  const v = tf.randomNormal([B, C, H, W], 0, 1, 'float32', 6)
  const sync = (t: tf.Tensor): void => { t.dataSync(); t.dispose() }
  for (let i = 0; i < 3; i++) { sync(denoiser.denoise(x, 0.5)); const l = denoiser.linearize(x, 0.5); sync(l.vjp(v)); l.dispose() }
  const tForward = timeIt(() => sync(denoiser.denoise(x, 0.5)), 15)
  const tLinearize = timeIt(() => { const l = denoiser.linearize(x, 0.5); l.denoised.dataSync(); l.dispose() }, 15)
  const lin = denoiser.linearize(x, 0.5)
  const tVjp = timeIt(() => sync(lin.vjp(v)), 15)
  lin.dispose()

  const runs: Array<[string, MethodName, MethodOptions]> = [
    ['DPS', 'dps', {}],
    ['ΠGDM (GMRES 5)', 'pigdm', {}],
    ['TMPD (GMRES 5)', 'tmpd', {}],
    ['DiffPIR (GMRES 5)', 'diffpir', {}],
    ['MMPS(1, cg)', 'mmps', { solver: 'cg', iters: 1 }],
    ['MMPS(1, cg), reference k+1 VJPs', 'mmps', { solver: 'cg', iters: 1, reuseVjp: false }],
    ['MMPS(3, cg)', 'mmps', { solver: 'cg', iters: 3 }],
    ['MMPS(3, gmres)', 'mmps', { solver: 'gmres', iters: 3 }],
  ]
  const best = runs.map(() => ({ total: Infinity, network: 0, cost: { forward: 0, vjp: 0, calls: 0 } }))
  for (let r = 0; r < REPS + 1; r++) {
    for (const [m, [, name, opts]] of runs.entries()) {
      const timed = new TimedDenoiser(denoiser)
      const pd = posteriorDenoiser(name, { denoiser: timed, operator: op, y, sigmaY: 0.02 }, { clamp: [-2, 2], ...opts })
      const t0 = performance.now()
      const out = await sample(pd.fn, [B, C, H, W], { steps: STEPS, sampler: 'ddpm', seed: 7 + r })
      out.dataSync(); out.dispose()
      const total = (performance.now() - t0) / 1000
      if (r > 0 && total < best[m].total) best[m] = { total, network: timed.seconds, cost: pd.cost() } // r = 0 warms up
    }
  }
  const rows = runs.map(([label], m) => {
    const { total, network, cost } = best[m]
    return { label, fwd: cost.forward / cost.calls, vjp: cost.vjp / cost.calls, sps: total / B, overhead: (total - network) / network }
  })
  const dps = rows[0].sps
  const lines = [
    `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()} (Node ${process.version}, ${cpus().length} cores), ${C}×${H}×${W}, batch ${B}, ${STEPS} DDPM steps (+1 final call), 75 % random inpainting, σ_y = 0.02, x̂ clamped to [−2, 2]`,
    `conv denoiser: 3 convs 3×3 (3→32→32→3), SiLU, σ embedding; isolated per batch of ${B}: forward ${(tForward * 1e3).toFixed(1)} ms, forward on tape ${(tLinearize * 1e3).toFixed(1)} ms, VJP ${(tVjp * 1e3).toFixed(1)} ms (medians); per method the fastest of ${REPS} interleaved runs; overhead = time outside the network / time inside it, same run`,
    '',
    '| method | forward / step | VJP / step | s / sample | ratio to DPS | overhead vs network |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${r.fwd.toFixed(2)} | ${r.vjp.toFixed(2)} | ${r.sps.toFixed(3)} | ${(r.sps / dps).toFixed(2)} | ${(100 * r.overhead).toFixed(1)} % |`),
  ]
  process.stdout.write(lines.join('\n') + '\n')
  tf.dispose([x, v, xTrue, y]); op.dispose(); dispose()
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exit(1) })
