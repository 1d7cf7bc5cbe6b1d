// `npx tsx bench/digitBox.ts`: posterior samples for the studio's digit preset on models/mnist-unet, in Node —
// the studio's own pieces (buildOperator, observe, posteriorDenoiser, sample; the ONNX graph run op by op in
// tfjs with exact VJPs). One observation (the preset's box over one held-out digit), N posterior samples per
// method; writes the samples as JSON (N × 784 values in [−2, 2]) for a grid, and prints per-sample PSNR.
//   flags: --image=3293 (index among the package's 10,000) --boxes=12:8:8,12:8:4 (side:top:left) --sigmaY=0.02 --n=16
//          --steps=32 --methods=mmps:cg:3,dps --seed=0 --out=/tmp/digit-box.json --backend=wasm
import { writeFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createOnnxDenoiser } from '../src/engines/onnx/diff'
import { DEFAULT_CONFIG, METHOD_DEFAULTS, type MethodSpec } from '../src/core/studio/config'
import { buildOperator, observe } from '../src/core/studio/problem'
import { posteriorDenoiser, isMethodName } from '../src/core/posterior/registry'
import { sample } from '../src/core/diffusion/sampler'
import { psnr, toUnit } from '../src/core/metrics/image'
import { loadMnist } from '../src/core/emImages/mnistLoad'
import { readFileSync } from 'node:fs'

const arg = (k: string, d: string): string => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d
const idx = Number(arg('image', '3293'))
const n = Number(arg('n', '16'))
const steps = Number(arg('steps', '32'))
const seed = Number(arg('seed', '0'))
const sigmaY = Number(arg('sigmaY', '0.02'))
const boxes = arg('boxes', '12:8:8').split(',').map((b) => b.split(':').map(Number) as [number, number, number])
const methods: MethodSpec[] = arg('methods', 'mmps:cg:3,dps').split(',').map((s) => {
  const [name = '', solver, iters] = s.split(':')
  if (!isMethodName(name)) throw new Error(`unknown method ${name}`)
  return { ...METHOD_DEFAULTS[name], ...(solver ? { solver: solver as MethodSpec['solver'] } : {}), ...(iters ? { iters: Number(iters) } : {}) }
})
await tf.setBackend(arg('backend', 'wasm'))
const den = createOnnxDenoiser(new Uint8Array(readFileSync('models/mnist-unet/denoiser.onnx')), { name: 'mnist-unet', sampleShape: [1, 28, 28] })
const set = await loadMnist()
const p = set.images.subarray(idx * 784, (idx + 1) * 784)
const truth = Float32Array.from(p, (v) => 4 * v - 2)
const shape = [1, 28, 28] as const
const x1 = tf.tensor4d(truth, [1, 1, 28, 28])
const out: Record<string, number[][]> = { truth: [Array.from(truth)] }
for (const [box, top, left] of boxes) {
const corruption = { ...DEFAULT_CONFIG.corruption, kind: 'box' as const, box, top, left }
const A = buildOperator(corruption, shape, seed)
const y1 = observe(A, x1, sigmaY, seed + 101)
const y = tf.tile(y1, [n, 1, 1, 1])
out[`box ${box} at ${top},${left}: observed`] = [Array.from(await A.adjoint(y1).data())]
for (const m of methods) {
  const post = posteriorDenoiser(m.name, { denoiser: den, operator: A, y, sigmaY }, { solver: m.solver, iters: m.iters || undefined, clamp: [-2, 2] })
  const t0 = performance.now()
  const xs = await sample(post.fn, [n, ...shape], { steps, sampler: 'ddpm', seed })
  const data = (await xs.data()) as Float32Array
  xs.dispose()
  const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * 784, (i + 1) * 784)))
  const ps = rows.map((r) => psnr(toUnit(truth), toUnit(Float32Array.from(r))))
  const label = `box ${box} at ${top},${left}: ${m.name === 'dps' ? 'dps' : `${m.name}:${m.solver}:${m.iters}`}`
  out[label] = rows
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s, PSNR ${ps.map((v) => v.toFixed(1)).join(' ')}`)
}
}
writeFileSync(arg('out', '/tmp/digit-box.json'), JSON.stringify(out))
