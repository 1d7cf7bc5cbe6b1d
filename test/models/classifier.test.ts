// The shipped FD digit classifier (models/mnist-classifier/classifier.onnx): sha256 and graph as in card.json;
// onnxruntime-node and the project's tfjs ONNX executor both reproduce the torch reference outputs; accuracy on
// the 2,000 held-out digits (never seen in training) ≥ 97 % with the tfjs executor; the training digits are
// the fixed split's classifier reserve (no observations); the digit scorer's FD behaves on real digits.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import '@tensorflow/tfjs-backend-wasm'
import * as tf from '@tensorflow/tfjs-core'
import onnxProto from 'onnx-proto'
import * as ort from 'onnxruntime-node'
import { beforeAll, describe, expect, it } from 'vitest'
import { DIGIT_PIXELS, emDigitSplit, heldOutDigits } from '../../src/core/emImages/digits'
import { loadMnist } from '../../src/core/emImages/mnistLoad'
import { IMAGE_EM_PRESETS } from '../../src/core/emImages/presets'
import { findUnsupported, OnnxGraph, parseModel } from '../../src/engines/onnx/diff'
import { createDigitScorer, type DigitScorer } from '../../src/engines/tfjs/digitScorer'

const DIR = resolve(__dirname, '../../models/mnist-classifier')
const bytes = new Uint8Array(readFileSync(join(DIR, 'classifier.onnx')))
const card = JSON.parse(readFileSync(join(DIR, 'card.json'), 'utf8'))
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as {
  shape: number[]; stride: number; features_strided: number[]; features_sum: number; logits: number[]; tolerance: number; sha256: string
}

// the formula of models/mnist-classifier/train.py ref_x (synthetic, in [0, 1])
function refX(n: number): Float32Array {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = 0.5 + 0.5 * Math.sin(0.1 * i + 0.5) * Math.cos(0.0037 * i)
  return x
}

function compare(features: Float32Array, logits: Float32Array): void {
  let maxAbs = 0
  ref.features_strided.forEach((v, k) => { maxAbs = Math.max(maxAbs, Math.abs(features[k * ref.stride]! - v)) })
  expect(maxAbs).toBeLessThan(ref.tolerance)
  expect(Math.abs(features.reduce((a, b) => a + b, 0) - ref.features_sum)).toBeLessThan(ref.tolerance * features.length)
  ref.logits.forEach((v, k) => expect(Math.abs(logits[k]! - v)).toBeLessThan(ref.tolerance))
}

const indexSha = (idx: Int32Array): string => createHash('sha256').update(Buffer.from(idx.buffer, idx.byteOffset, idx.byteLength)).digest('hex')

beforeAll(async () => {
  await tf.setBackend('wasm')
})

describe('models/mnist-classifier', () => {
  it('sha256 and size match card.json and reference.json; file < 2 MB', () => {
    const sha = createHash('sha256').update(bytes).digest('hex')
    expect(sha).toBe(card.sha256)
    expect(sha).toBe(ref.sha256)
    expect(bytes.length).toBe(card.bytes)
    expect(bytes.length).toBeLessThan(2 * 1024 * 1024)
  })

  it('graph: x [N,1,28,28] → features [N,F], logits [N,10]; opset 17; ops as in the card, all supported by the tfjs executor', () => {
    const m = onnxProto.onnx.ModelProto.decode(bytes)
    expect(m.opsetImport!.find((o) => !o.domain)?.version?.toString()).toBe('17')
    const ir = parseModel(bytes)
    expect(ir.inputs.map((i) => [i.name, i.shape])).toEqual([['x', ['N', 1, 28, 28]]])
    expect(ir.outputs.map((o) => [o.name, o.shape])).toEqual([['features', ['N', card.format.outputs[0].shape[1]]], ['logits', ['N', 10]]])
    expect([...new Set(ir.nodes.map((n) => n.opType))].sort()).toEqual([...card.format.ops].sort())
    expect(findUnsupported(ir)).toEqual([])
  })

  it('onnxruntime-node and the tfjs executor reproduce the torch reference outputs', async () => {
    const n = ref.shape.reduce((a, b) => a * b, 1)
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 })
    const out = await session.run({ x: new ort.Tensor('float32', refX(n), ref.shape) })
    compare(out.features!.data as Float32Array, out.logits!.data as Float32Array)
    const g = OnnxGraph.fromBytes(bytes)
    const x = tf.tensor4d(refX(n), ref.shape as [number, number, number, number])
    const [f, l] = g.run({ x }, ['features', 'logits'])
    compare(f!.dataSync() as Float32Array, l!.dataSync() as Float32Array)
    tf.dispose([x, f!, l!])
    g.dispose()
  })

  describe('on the real digits', () => {
    let scorer: DigitScorer
    let heldOut: Float32Array
    let labels: Uint8Array
    beforeAll(async () => {
      const set = await loadMnist()
      const split = emDigitSplit(set.count, IMAGE_EM_PRESETS.tiny.heldOut)
      expect(indexSha(split.classifier)).toBe(card.training.classifier_indices_sha256)
      expect(indexSha(split.heldOut)).toBe(card.evaluation.held_out_indices_sha256)
      // trained on neither observations nor held-out digits
      const reserved = new Set(split.classifier)
      expect(split.observed.some((i) => reserved.has(i))).toBe(false)
      expect(split.heldOut.some((i) => reserved.has(i))).toBe(false)
      heldOut = heldOutDigits(set, IMAGE_EM_PRESETS.tiny.heldOut)
      labels = Uint8Array.from(split.heldOut, (i) => set.labels[i]!)
      scorer = await createDigitScorer(bytes, heldOut)
    }, 300_000)

    it('accuracy on the 2,000 held-out digits ≥ 97 % (tfjs executor), as the card states', async () => {
      const n = labels.length
      expect(n).toBe(2000)
      const { logits } = await scorer.features(heldOut, n)
      let correct = 0
      for (let i = 0; i < n; i++) {
        let best = 0
        for (let k = 1; k < 10; k++) if (logits[i * 10 + k]! > logits[i * 10 + best]!) best = k
        if (best === labels[i]) correct++
      }
      const acc = correct / n
      expect(acc).toBeGreaterThanOrEqual(0.97)
      expect(Math.abs(acc - card.evaluation.accuracy_torch)).toBeLessThanOrEqual(2 / n)
    }, 300_000)

    it('FD: real held-out digits are close to the reference, noise and blank images far; the histogram counts classes', async () => {
      const half = 1000
      const real = await scorer.score(heldOut.subarray(0, half * DIGIT_PIXELS), half)
      let s = 12345
      const noise = Float32Array.from({ length: 256 * DIGIT_PIXELS }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32))
      const far = await scorer.score(noise, 256)
      expect(real.fd).toBeGreaterThanOrEqual(0)
      expect(real.fd).toBeLessThan(0.05 * far.fd)
      // a shifted copy of the digits (3 px right): further than the digits themselves, nearer than noise
      const shifted = new Float32Array(half * DIGIT_PIXELS)
      for (let i = 0; i < half; i++) for (let r = 0; r < 28; r++) for (let c = 3; c < 28; c++) shifted[i * 784 + r * 28 + c] = heldOut[i * 784 + r * 28 + c - 3]!
      const sh = await scorer.score(shifted, half)
      expect(sh.fd).toBeGreaterThan(real.fd)
      expect(sh.fd).toBeLessThan(far.fd)
      expect(real.classHistogram.reduce((a, b) => a + b, 0)).toBe(half)
      const truth = new Array<number>(10).fill(0)
      for (let i = 0; i < half; i++) truth[labels[i]!]!++
      real.classHistogram.forEach((c, k) => expect(Math.abs(c - truth[k]!)).toBeLessThanOrEqual(0.06 * truth[k]! + 2))
      expect(scorer.referenceHistogram.reduce((a, b) => a + b, 0)).toBe(2000)
      await expect(scorer.score(Float32Array.from({ length: 2 * DIGIT_PIXELS }, () => -0.5), 2)).rejects.toThrow(/outside \[0, 1\]/)
      await expect(scorer.score(new Float32Array(10), 2)).rejects.toThrow(/1568 values/)
    }, 300_000)
  })
})
