// `npm run bench:pcs`: seconds for the posterior principal components (src/core/pcs, algorithms.md §12.1) of the
// CIFAR-10 U-Net (models/cifar10-unet) at the whole 3×32×32 image: k = 3, 50 subspace iterations, σ = 0.5, on
// tfjs-wasm in Node, for the exact VJP (one taped forward of the batch of 3, then 50 backward passes) and the
// forward-difference JVP (1 + 50 forward passes of batch 3). Warm-up (constant folding, first kernels) is
// excluded; the figure is the median of --reps runs (default 3). `-- --jacobian exact` for one mode only.
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import '@tensorflow/tfjs-backend-wasm'
import * as tf from '@tensorflow/tfjs-core'
import { PNG } from 'pngjs'
import { createOnnxDenoiser } from '../src/engines/onnx/diff'
import { fillNormal, mulberry32 } from '../src/core/linalg/random'
import { jacobianProducts, type PcJacobian } from '../src/core/pcs/products'
import { posteriorPcs } from '../src/core/pcs/subspace'

const ROOT = join(import.meta.dirname, '..')
const { values } = parseArgs({ options: { reps: { type: 'string' }, jacobian: { type: 'string' }, iters: { type: 'string' }, k: { type: 'string' } }, strict: true })
const REPS = Number(values.reps ?? 3)
const K = Number(values.k ?? 3)
const ITERS = Number(values.iters ?? 50)
const SIGMA = 0.5
const modes: PcJacobian[] = values.jacobian ? [values.jacobian as PcJacobian] : ['exact', 'fd']

async function main(): Promise<void> {
  tf.env().set('IS_TEST', true)
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-wasm did not initialise')
  await tf.ready()
  const den = createOnnxDenoiser(new Uint8Array(readFileSync(join(ROOT, 'models/cifar10-unet/denoiser.onnx'))), { name: 'cifar10-unet', sampleShape: [3, 32, 32] })
  const png = PNG.sync.read(readFileSync(join(ROOT, 'public/demo/cifar/chelsea.png')))
  const x = new Float32Array(3 * 32 * 32)
  for (let i = 0; i < 1024; i++) for (let c = 0; c < 3; c++) x[c * 1024 + i] = (4 * png.data[4 * i + c]!) / 255 - 2
  const z = fillNormal(new Float32Array(x.length), mulberry32(0))
  const xt = tf.tensor(x.map((v, i) => v + SIGMA * z[i]!), [1, 3, 32, 32])
  console.log(`# bench:pcs — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), tfjs ${tf.getBackend()}`)
  console.log(`# cifar10-unet 3×32×32, whole image, σ = ${SIGMA}, k = ${K}, ${ITERS} iterations, median of ${REPS}`)
  console.log('| Jacobian | seconds (median) | min | max | forward passes | VJPs | σ²λ (last run) | max residual |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const mode of modes) {
    // warm-up: constant folding for batch K, first kernels, one product
    const warm = jacobianProducts(den, xt, SIGMA, K, mode)
    await posteriorPcs(warm, { k: K, iters: 2, sigma: SIGMA, seed: 1 })
    warm.dispose()
    const ts: number[] = []
    let last: Awaited<ReturnType<typeof posteriorPcs>> | undefined
    let cost = { forward: 0, vjp: 0 }
    for (let r = 0; r < REPS; r++) {
      den.resetCost()
      const t0 = performance.now()
      const products = jacobianProducts(den, xt, SIGMA, K, mode)
      last = await posteriorPcs(products, { k: K, iters: ITERS, sigma: SIGMA, seed: 1 })
      products.dispose()
      ts.push((performance.now() - t0) / 1000)
      cost = { ...den.cost }
    }
    ts.sort((a, b) => a - b)
    const med = ts[Math.floor(ts.length / 2)]!
    console.log(`| ${mode === 'exact' ? 'exact VJP' : 'forward difference'} | ${med.toFixed(2)} | ${ts[0]!.toFixed(2)} | ${ts[ts.length - 1]!.toFixed(2)} | ${cost.forward} | ${cost.vjp} | ${last!.eigenvalues.map((v) => v.toPrecision(4)).join(', ')} | ${Math.max(...last!.residuals).toExponential(1)} |`)
  }
  xt.dispose()
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
