// `npx tsx bench/profileUnet.ts [--channels=8,16] [--batch=32] [--reps=20]`: where the U-Net's time goes on
// tfjs-wasm in Node — one M-step step (loss + weight gradients + Adam), the conv weight gradient alone, and one
// E-step call (forward + input VJP at batch 256). Prints ms per call (median of reps). No assertions: figures.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core'
import { convWeightGrad, initUnet, disposeUnet, unetDenoise, parameterShapes, PIXELS, type UnetConfig } from '../src/engines/tfjs/unet'
import { denoiserLoss } from '../src/engines/tfjs/unetTrain'
import { clippedAdamStep } from '../src/engines/tfjs/adam'
import { loadavg } from 'node:os'

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]))
const ch = (args.get('channels') ?? '8,16').split(',').map(Number) as [number, number]
const batch = Number(args.get('batch') ?? 32)
const reps = Number(args.get('reps') ?? 20)
await tf.setBackend(args.get('backend') ?? 'wasm')
const c: UnetConfig = { channels: ch, blocks: 1, embedding: ch[0] * 2 }
const p = initUnet(c, 0)
const names = parameterShapes(c).map(([n]) => n)

async function time(label: string, f: () => Tensor | Tensor[]): Promise<void> {
  const ts: number[] = []
  for (let r = 0; r < reps + 2; r++) {
    const t0 = performance.now()
    const out = f()
    const arr = Array.isArray(out) ? out : [out]
    await Promise.all(arr.map((t) => t.data()))
    tf.dispose(arr)
    if (r >= 2) ts.push(performance.now() - t0)
  }
  ts.sort((a, b) => a - b)
  console.log(`${label.padEnd(48)} ${ts[Math.floor(ts.length / 2)]!.toFixed(1)} ms (min ${ts[0]!.toFixed(1)})`)
}

console.log(`backend ${tf.getBackend()}, channels ${ch}, batch ${batch}, load ${loadavg()[0]!.toFixed(2)}`)
const x = tf.randomNormal([batch, PIXELS]) as Tensor2D
const sigma = tf.fill([batch], 0.5)
const z = tf.randomNormal([batch, PIXELS])
await time('forward (train ops)', () => unetDenoise(c, p, x, sigma))
await time('loss + grads', () => tf.tidy(() => {
  const vars = names.map((n) => p.get(n)!)
  const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => denoiserLoss(c, new Map(names.map((n, i) => [n, ps[i]!])), x, sigma, z))(vars)
  return [value, ...grads]
}))
await time('loss + grads + Adam', () => tf.tidy(() => {
  const vars = names.map((n) => p.get(n)!)
  const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => denoiserLoss(c, new Map(names.map((n, i) => [n, ps[i]!])), x, sigma, z))(vars)
  const m = vars.map((v) => tf.zerosLike(v))
  const r = clippedAdamStep(grads, vars, m, m, 1e-3, 1, 1)
  return [value, ...r.newP, ...r.newM, ...r.newV]
}))
for (const [h, ci, co] of [[14, 4, ch[0]], [14, ch[0], ch[0]], [7, ch[1], ch[1]], [14, 2 * ch[0], ch[0]]] as const) {
  const xi = tf.randomNormal([batch, h, h, ci]) as Tensor4D
  const dy = tf.randomNormal([batch, h, h, co]) as Tensor4D
  const w = tf.randomNormal([3, 3, ci, co]) as Tensor4D
  await time(`conv fwd ${h}x${h} ${ci}->${co}`, () => tf.conv2d(xi, w, 1, 'same'))
  await time(`conv dW ${h}x${h} ${ci}->${co}`, () => convWeightGrad(xi, dy))
  tf.dispose([xi, dy, w])
}
if (args.get('profile')) {
  const vars = names.map((n) => p.get(n)!)
  const info = await tf.profile(() => tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => denoiserLoss(c, new Map(names.map((n, i) => [n, ps[i]!])), x, sigma, z))(vars)
    return [value, ...grads]
  }) as unknown as Tensor)
  const by = new Map<string, { n: number; ms: number }>()
  for (const k of info.kernels) { const e = by.get(k.name) ?? { n: 0, ms: 0 }; e.n++; e.ms += Number(await k.kernelTimeMs); by.set(k.name, e) }
  console.log(`kernels: ${info.kernels.length}`)
  for (const [k, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`  ${k.padEnd(24)} ×${e.n}  ${e.ms.toFixed(1)} ms`)
}
if (args.get('only') === 'conv') process.exit(0)
const eb = Number(args.get('ebatch') ?? 256)
const xe = tf.randomNormal([eb, PIXELS]) as Tensor2D
const se = tf.fill([eb], 0.5)
await time(`E-step forward (batch ${eb})`, () => unetDenoise(c, p, xe, se, false))
await time(`E-step forward + VJP (batch ${eb})`, () => tf.tidy(() => {
  const g = tf.grad((xx: Tensor) => tf.sum(tf.mul(unetDenoise(c, p, xx, se, false), xe)))
  return g(xe)
}))
disposeUnet(p)
