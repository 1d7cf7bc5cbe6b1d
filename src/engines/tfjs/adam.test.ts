import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { clippedAdamStep, clippedAdamStepFlat } from './adam'

beforeAll(async () => {
  await tf.setBackend('wasm')
})

describe('clippedAdamStepFlat', () => {
  for (const clip of [1e3, 0.5]) {
    it(`gives the per-tensor step's moments and parameters over 3 steps (clip ${clip}: ${clip > 1 ? 'inactive' : 'active'})`, () => {
      const shapes = [[3, 4], [4], [4, 2], [2]]
      let p1 = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', i))
      let p2 = p1.map((t) => t.clone())
      let m1 = p1.map((t) => tf.zerosLike(t)), v1 = p1.map((t) => tf.zerosLike(t))
      let m2: tf.Tensor = tf.zeros([12 + 4 + 8 + 2]), v2: tf.Tensor = tf.zeros([26])
      for (let t = 1; t <= 3; t++) {
        const grads = shapes.map((s, i) => tf.randomNormal(s, 0, 2, 'float32', 10 * t + i))
        const a = clippedAdamStep(grads, p1, m1, v1, 1e-2, t, clip)
        const b = clippedAdamStepFlat(grads, p2, m2, v2, 1e-2, t, clip)
        tf.dispose([...grads, ...p1, ...p2, ...m1, ...v1, m2, v2])
        p1 = a.newP; m1 = a.newM; v1 = a.newV
        p2 = b.newP; m2 = b.newM; v2 = b.newV
      }
      const flat = (ts: tf.Tensor[]): Float32Array => tf.concat(ts.map((x) => x.reshape([-1]))).dataSync() as Float32Array
      const close = (x: Float32Array, y: Float32Array): void => x.forEach((xi, i) => expect(Math.abs(xi - y[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(xi))))
      p2.forEach((t, i) => expect(t.shape).toEqual(shapes[i]))
      close(flat(p1), flat(p2))
      close(flat(m1), m2.dataSync() as Float32Array)
      close(flat(v1), v2.dataSync() as Float32Array)
      // and the step moved the parameters
      expect(Math.abs(flat(p1)[0]! - tf.randomNormal([3, 4], 0, 1, 'float32', 0).dataSync()[0]!)).toBeGreaterThan(1e-4)
      tf.dispose([...p1, ...p2, ...m1, ...v1, m2, v2])
    })
  }
})
