import { describe, expect, it } from 'vitest'
import { toRgba } from '../../app/images'
import {
  TRAJECTORY_BUDGET_BYTES, TrajectoryRecorder, dequantise, frameAt, framesPerMethod, keptSteps, quantise,
  trajectoryBytes, trajectoryFromWire, trajectoryToWire, type StepFrame,
} from './trajectory'

const frame = (method: number, step: number, steps: number, pixels: number): StepFrame => ({
  method, step, steps, sigma: 80 / (step + 1), psnr: 10 + step, residual: 1 / (step + 1), seconds: step / 10, forward: step, vjp: step,
  xt: new Uint8Array(pixels).fill(step % 256), denoised: new Uint8Array(pixels).fill((step + 1) % 256),
})

describe('quantisation', () => {
  it('keeps exactly the bytes the canvas draws', () => {
    const v = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => -3 + (i * 6) / 47) // beyond [−2, 2] on both ends
    const img = { data: v, c: 3, h: 4, w: 4 }
    const back = { data: dequantise(quantise(v)), c: 3, h: 4, w: 4 }
    expect(Array.from(toRgba(back))).toEqual(Array.from(toRgba(img)))
    const q = quantise(v)
    expect(Array.from(quantise(dequantise(q)))).toEqual(Array.from(q))
    expect(q[0]).toBe(0)
    expect(q.at(-1)).toBe(255)
  })
})

describe('size bound', () => {
  it('a 100-step, 5-method run at 3×32×32 keeps every step: 3,102,720 bytes', () => {
    const cap = framesPerMethod(5, 3072)
    expect(cap).toBe(136)
    const recs = Array.from({ length: 5 }, (_, m) => new TrajectoryRecorder(m, 100, 3072, cap))
    for (let k = 0; k <= 100; k++) recs.forEach((r, m) => r.add(frame(m, k, 100, 3072)))
    const ts = recs.map((r) => r.t)
    expect(ts.every((t) => t.kept.length === 101 && t.psnr.length === 101)).toBe(true)
    expect(trajectoryBytes(ts)).toBe(3_102_720)
  })

  it('a 1000-step run is subsampled to the budget, keeping the first and last step and every metric', () => {
    const cap = framesPerMethod(5, 3072)
    const recs = Array.from({ length: 5 }, (_, m) => new TrajectoryRecorder(m, 1000, 3072, cap))
    for (let k = 0; k <= 1000; k++) recs.forEach((r, m) => r.add(frame(m, k, 1000, 3072)))
    const ts = recs.map((r) => r.t)
    expect(trajectoryBytes(ts)).toBeLessThanOrEqual(TRAJECTORY_BUDGET_BYTES)
    expect(ts[0]!.kept.length).toBe(136)
    expect(ts[0]!.kept[0]).toBe(0)
    expect(ts[0]!.kept.at(-1)).toBe(1000)
    expect(ts[0]!.residual).toHaveLength(1001)
  })

  it('keptSteps spreads evenly and never repeats', () => {
    expect(keptSteps(4, 10)).toEqual([0, 1, 2, 3, 4])
    expect(keptSteps(10, 3)).toEqual([0, 5, 10])
    const k = keptSteps(999, 7)
    expect(new Set(k).size).toBe(k.length)
  })
})

describe('frameAt and the JSON form', () => {
  it('shows the last kept frame at or before k, and round-trips through base64', () => {
    const r = new TrajectoryRecorder(0, 10, 6, 3) // keeps steps 0, 5, 10
    for (let k = 0; k <= 10; k++) r.add(frame(0, k, 10, 6))
    expect(frameAt(r.t, 4)!.step).toBe(0)
    expect(frameAt(r.t, 7)!.step).toBe(5)
    expect(frameAt(r.t, 10)!.step).toBe(10)
    const wire = JSON.parse(JSON.stringify(trajectoryToWire(r.t)))
    const back = trajectoryFromWire(wire)
    expect(back.kept).toEqual([0, 5, 10])
    expect(Array.from(back.denoised[1]!)).toEqual(Array.from(r.t.denoised[1]!))
    expect(() => trajectoryFromWire({ ...wire, kept: [0, 5] })).toThrow(/need 12/)
  })
})
