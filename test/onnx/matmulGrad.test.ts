// The re-registered BatchMatMul gradient (src/engines/onnx/diff/matmulGrad.ts): explicit transposes instead of
// matMul's flags. Checked against finite differences (exact here: the loss is linear in each operand) for every
// transpose-flag combination and for a broadcast batch dim, on cpu and wasm.
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, test } from 'vitest'
import '../../src/engines/onnx/diff/matmulGrad'
import { randn, rng } from './helpers'

/** ∂/∂x_i of L by central differences, one entry at a time. */
function fd(L: (a: Float32Array, b: Float32Array) => number, a: Float32Array, b: Float32Array, wrt: 'a' | 'b'): Float32Array {
  const x = wrt === 'a' ? a : b
  const out = new Float32Array(x.length)
  const h = 0.5
  for (let i = 0; i < x.length; i++) {
    const p = Float32Array.from(x)
    const m = Float32Array.from(x)
    p[i] = (p[i] as number) + h
    m[i] = (m[i] as number) - h
    out[i] = (wrt === 'a' ? L(p, b) - L(m, b) : L(a, p) - L(a, m)) / (2 * h)
  }
  return out
}

describe.each(['cpu', 'wasm'])('BatchMatMul gradient with explicit transposes (%s)', (backend) => {
  const cases: { name: string; as: number[]; bs: number[]; ta: boolean; tb: boolean }[] = [
    { name: 'plain 2-D', as: [3, 4], bs: [4, 5], ta: false, tb: false },
    { name: 'transposeB', as: [3, 4], bs: [5, 4], ta: false, tb: true },
    { name: 'transposeA', as: [4, 3], bs: [4, 5], ta: true, tb: false },
    { name: 'both', as: [4, 3], bs: [5, 4], ta: true, tb: true },
    { name: 'batched 3-D', as: [2, 3, 4], bs: [2, 4, 5], ta: false, tb: false },
    { name: 'broadcast batch (b has batch 1)', as: [2, 3, 4], bs: [1, 4, 5], ta: false, tb: false },
  ]
  for (const c of cases) {
    test(c.name, async () => {
      await tf.setBackend(backend)
      const r = rng(11)
      const n = (s: number[]): number => s.reduce((x, y) => x * y, 1)
      const a = randn(r, n(c.as))
      const b = randn(r, n(c.bs))
      const yShape = tf.tidy(() => tf.matMul(tf.zeros(c.as), tf.zeros(c.bs), c.ta, c.tb).shape)
      const w = randn(r, n(yShape))
      const loss = (at: tf.Tensor, bt: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.matMul(at, bt, c.ta, c.tb), tf.tensor(w, yShape)))
      const L = (av: Float32Array, bv: Float32Array): number => tf.tidy(() => loss(tf.tensor(av, c.as), tf.tensor(bv, c.bs)).dataSync()[0] as number)
      const [ga, gb] = tf.grads((at: tf.Tensor, bt: tf.Tensor) => loss(at, bt))([tf.tensor(a, c.as), tf.tensor(b, c.bs)]) as [tf.Tensor, tf.Tensor]
      expect(ga.shape).toEqual(c.as)
      expect(gb.shape).toEqual(c.bs)
      const da = fd(L, a, b, 'a')
      const db = fd(L, a, b, 'b')
      const gaV = await ga.data()
      const gbV = await gb.data()
      for (let i = 0; i < da.length; i++) expect(Math.abs((gaV[i] as number) - (da[i] as number))).toBeLessThan(1e-3)
      for (let i = 0; i < db.length; i++) expect(Math.abs((gbV[i] as number) - (db[i] as number))).toBeLessThan(1e-3)
      tf.dispose([ga, gb])
    })
  }
})
