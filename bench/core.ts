// `npm run bench:core`: per posterior method, network forwards and VJPs per step, seconds per sample, the ratio
// to DPS, and the sampler's overhead over pure network time, on a 32×32×3 problem with the small tfjs conv
// denoiser (src/engines/tfjs/convDenoiser.ts), in Node on the tfjs wasm backend. One table from one run.
//
// The machine is shared (training jobs run beside us; load average ~8 on 2 cores), so wall-clock runs vary by
// ±30 %. Two measurements, both printed:
//  * measured: every method runs REPS times, interleaved; we keep each method's fastest run.
//  * components (the robust one): network time = calls × t(forward on tape) + VJPs × t(VJP) (or calls × t(forward)
//    for DiffPIR), with t(·) the fastest of many isolated calls on the benchmark batch; sampler + method time
//    = the fastest of REPS runs of the same method on a null denoiser (two tiny ops), minus the time spent inside
//    that null denoiser (a timing wrapper; tfjs-wasm executes synchronously). Overhead = that / network time.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { cpus } from 'node:os'
import { createConvDenoiser } from '../src/engines/tfjs/convDenoiser'
import { pixelMaskOperator, randomPixelMask } from '../src/core/operators/mask'
import { posteriorDenoiser, type MethodName, type MethodOptions } from '../src/core/posterior/registry'
import { sample } from '../src/core/diffusion/sampler'
import { AutodiffDenoiser } from '../src/core/denoisers/autodiff'
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

const B = 4, C = 3, H = 32, W = 32, STEPS = 16, REPS = 5, HIDDEN = 64

function timeIt(f: () => void, reps: number): number {
  const ts: number[] = []
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0) }
  return Math.min(...ts) / 1000
}

async function main(): Promise<void> {
  await tf.setBackend('wasm')
  await tf.ready()
  const { denoiser, dispose } = createConvDenoiser({ channels: C, height: H, width: W, hidden: HIDDEN, seed: 1 })
  const op = pixelMaskOperator(randomPixelMask(H, W, 0.75, 2), C, H, W)
  const xTrue = tf.randomUniform([1, C, H, W], -1, 1, 'float32', 3)
  const y = tf.tidy(() => tf.add(op.apply(xTrue), tf.randomNormal([1, C, H, W], 0, 0.02, 'float32', 4)))

  // isolated network timings on the benchmark batch (after warm-up)
  const x = tf.randomNormal([B, C, H, W], 0, 1, 'float32', 5)
  const v = tf.randomNormal([B, C, H, W], 0, 1, 'float32', 6)
  const sync = (t: tf.Tensor): void => { t.dataSync(); t.dispose() }
  for (let i = 0; i < 3; i++) { sync(denoiser.denoise(x, 0.5)); const l = denoiser.linearize(x, 0.5); sync(l.vjp(v)); l.dispose() }
  const tForward = timeIt(() => sync(denoiser.denoise(x, 0.5)), 40)
  const tLinearize = timeIt(() => { const l = denoiser.linearize(x, 0.5); l.denoised.dataSync(); l.dispose() }, 40)
  const lin = denoiser.linearize(x, 0.5)
  const tVjp = timeIt(() => sync(lin.vjp(v)), 40)
  lin.dispose()
  const nullDenoiser = new AutodiffDenoiser('null', [C, H, W], (z) => tf.mul(z, 0.5))

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
  const best = runs.map(() => ({ total: Infinity, outside: Infinity, cost: { forward: 0, vjp: 0, calls: 0 } }))
  for (let r = 0; r < REPS + 1; r++) {
    for (const [m, [, name, opts]] of runs.entries()) {
      for (const net of [denoiser, nullDenoiser]) {
        const timed = new TimedDenoiser(net)
        const pd = posteriorDenoiser(name, { denoiser: timed, operator: op, y, sigmaY: 0.02 }, { clamp: [-2, 2], ...opts })
        const t0 = performance.now()
        const out = await sample(pd.fn, [B, C, H, W], { steps: STEPS, sampler: 'ddpm', seed: 7 + r })
        out.dataSync(); out.dispose()
        const total = (performance.now() - t0) / 1000
        if (r === 0) continue // warm-up
        if (net === denoiser) { if (total < best[m].total) { best[m].total = total; best[m].cost = pd.cost() } }
        else best[m].outside = Math.min(best[m].outside, total - timed.seconds)
      }
    }
  }
  const rows = runs.map(([label, name], m) => {
    const { total, outside, cost } = best[m]
    const network = cost.calls * (name === 'diffpir' ? tForward : tLinearize) + cost.vjp * tVjp
    return { label, fwd: cost.forward / cost.calls, vjp: cost.vjp / cost.calls, sps: total / B, model: (network + outside) / B, overhead: outside / network, msPerCall: (1e3 * outside) / cost.calls }
  })
  const dps = rows[0].sps, dpsModel = rows[0].model
  const lines = [
    `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()} (Node ${process.version}, ${cpus().length} cores), ${C}×${H}×${W}, batch ${B}, ${STEPS} DDPM steps (+1 final call), 75 % random inpainting, σ_y = 0.02, x̂ clamped to [−2, 2]`,
    `conv denoiser: 3 convs 3×3 (3→${HIDDEN}→${HIDDEN}→3), SiLU, σ embedding; isolated per batch of ${B}: forward ${(tForward * 1e3).toFixed(1)} ms, forward on tape ${(tLinearize * 1e3).toFixed(1)} ms, VJP ${(tVjp * 1e3).toFixed(1)} ms (fastest of 40)`,
    `measured = fastest of ${REPS} interleaved runs; components = isolated network timings + sampler/method time on a null denoiser (fastest of ${REPS}); overhead = sampler/method time ÷ network time`,
    '',
    '| method | forward / step | VJP / step | s / sample (measured) | ratio to DPS (measured) | s / sample (components) | ratio to DPS (components) | overhead vs network | sampler + method ms / step |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${r.fwd.toFixed(2)} | ${r.vjp.toFixed(2)} | ${r.sps.toFixed(3)} | ${(r.sps / dps).toFixed(2)} | ${r.model.toFixed(3)} | ${(r.model / dpsModel).toFixed(2)} | ${(100 * r.overhead).toFixed(1)} % | ${r.msPerCall.toFixed(2)} |`),
  ]
  process.stdout.write(lines.join('\n') + '\n')
  tf.dispose([x, v, xTrue, y]); op.dispose(); dispose()
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exit(1) })
