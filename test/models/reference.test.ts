// Shipped pretrained denoisers (models/*/denoiser.onnx): sha256 matches card.json, graph inputs/outputs are
// x [N,C,H,W], sigma [N] → denoised [N,C,H,W], and onnxruntime-node reproduces the torch reference outputs.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import onnxProto from 'onnx-proto'
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'

const MODELS = resolve(__dirname, '../../models')
const dirs = readdirSync(MODELS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(MODELS, d.name, 'denoiser.onnx')))
  .map((d) => d.name)
  .sort()

interface Reference {
  shape: number[]
  sigma: number[]
  stride: number
  output_strided: number[]
  output_sum: number
  output_abs_sum: number
  tolerance: number
  sha256: string
}

// The formula of models/common/reference_inputs.py (synthetic, no dataset images).
function refX(n: number): Float32Array {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = 1.8 * Math.sin(0.1 * i + 0.5) * Math.cos(0.0037 * i)
  return x
}

function dims(v: { type?: { tensorType?: { shape?: { dim?: { dimValue?: unknown; dimParam?: string | null }[] | null } | null } | null } | null }): (number | string)[] {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0)))
}

it('ships the pretrained denoisers', () => {
  expect(dirs).toEqual(expect.arrayContaining(['cifar10-unet', 'mnist-unet', 'mri-unet']))
})

describe.each(dirs)('models/%s', (name) => {
  const dir = join(MODELS, name)
  const bytes = readFileSync(join(dir, 'denoiser.onnx'))
  const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'))
  const ref: Reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'))

  it('sha256 and size match card.json; file ≤ 12 MB', () => {
    const sha = createHash('sha256').update(bytes).digest('hex')
    expect(sha).toBe(card.sha256)
    expect(sha).toBe(ref.sha256)
    expect(bytes.length).toBe(card.bytes)
    expect(bytes.length).toBeLessThanOrEqual(12 * 1024 * 1024)
  })

  it('graph inputs x [N,C,H,W], sigma [N]; output denoised [N,C,H,W]; opset 17; ops as in the card', () => {
    const m = onnxProto.onnx.ModelProto.decode(bytes)
    const { channels: C, height: H, width: W } = card.input
    const g = m.graph!
    const inputs = g.input!.filter((v) => !(g.initializer ?? []).some((t) => t.name === v.name))
    expect(inputs.map((v) => v.name)).toEqual(['x', 'sigma'])
    expect(dims(inputs[0])).toEqual(['N', C, H, W])
    expect(dims(inputs[1])).toEqual(['N'])
    expect(g.output!.map((v) => v.name)).toEqual(['denoised'])
    expect(dims(g.output![0])).toEqual(['N', C, H, W])
    expect(m.opsetImport!.find((o) => !o.domain)?.version?.toString()).toBe('17')
    const ops = [...new Set(g.node!.map((n) => n.opType!))].sort()
    expect(ops).toEqual([...card.format.ops].sort())
  })

  it('onnxruntime-node reproduces the torch reference outputs', async () => {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 })
    expect(session.inputNames).toEqual(['x', 'sigma'])
    expect(session.outputNames).toEqual(['denoised'])
    const n = ref.shape.reduce((a, b) => a * b, 1)
    const out = await session.run({
      x: new ort.Tensor('float32', refX(n), ref.shape),
      sigma: new ort.Tensor('float32', Float32Array.from(ref.sigma), [ref.sigma.length]),
    })
    const y = out.denoised.data as Float32Array
    expect(out.denoised.dims).toEqual(ref.shape)
    let maxAbs = 0
    ref.output_strided.forEach((v, k) => {
      maxAbs = Math.max(maxAbs, Math.abs(y[k * ref.stride] - v))
    })
    expect(maxAbs).toBeLessThan(ref.tolerance)
    let sum = 0
    let absSum = 0
    for (let i = 0; i < n; i++) {
      sum += y[i]
      absSum += Math.abs(y[i])
    }
    expect(Math.abs(sum - ref.output_sum)).toBeLessThan(ref.tolerance * n)
    expect(Math.abs(absSum - ref.output_abs_sum) / ref.output_abs_sum).toBeLessThan(1e-5)
    // dynamic batch: the second reference item alone gives the same result
    const per = n / ref.shape[0]
    const one = await session.run({
      x: new ort.Tensor('float32', refX(n).slice(per, 2 * per), [1, ...ref.shape.slice(1)]),
      sigma: new ort.Tensor('float32', Float32Array.from([ref.sigma[1]]), [1]),
    })
    const y1 = one.denoised.data as Float32Array
    let maxAbs1 = 0
    for (let i = 0; i < per; i++) maxAbs1 = Math.max(maxAbs1, Math.abs(y1[i] - y[per + i]))
    expect(maxAbs1).toBeLessThan(ref.tolerance)
  })
})
