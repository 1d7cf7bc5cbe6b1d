// Runs denoiser.onnx with onnxruntime-node on the reference inputs and compares with the full torch output.
// usage: node models/common/check_onnx.mjs <model.onnx> <ref-full.json>   (ref-full: {shape, sigma, output})
import * as ort from 'onnxruntime-node'
import { readFileSync } from 'node:fs'

const [onnxPath, refPath] = process.argv.slice(2)
const ref = JSON.parse(readFileSync(refPath, 'utf8'))
const n = ref.shape.reduce((a, b) => a * b, 1)
const x = new Float32Array(n)
for (let i = 0; i < n; i++) x[i] = 1.8 * Math.sin(0.1 * i + 0.5) * Math.cos(0.0037 * i)
const session = await ort.InferenceSession.create(onnxPath)
const out = await session.run({
  x: new ort.Tensor('float32', x, ref.shape),
  sigma: new ort.Tensor('float32', Float32Array.from(ref.sigma), [ref.sigma.length]),
})
const y = out.denoised.data
let maxAbs = 0
for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(y[i] - ref.output[i]))
// batch of 1 too (dynamic batch)
const per = n / ref.shape[0]
const out1 = await session.run({
  x: new ort.Tensor('float32', x.slice(per, 2 * per), [1, ...ref.shape.slice(1)]),
  sigma: new ort.Tensor('float32', Float32Array.from([ref.sigma[1]]), [1]),
})
let maxAbs1 = 0
for (let i = 0; i < per; i++) maxAbs1 = Math.max(maxAbs1, Math.abs(out1.denoised.data[i] - ref.output[per + i]))
console.log(JSON.stringify({ maxAbsDiff: maxAbs, maxAbsDiffBatch1: maxAbs1, inputNames: session.inputNames, outputNames: session.outputNames }))
