// Shared test/CLI/bench helpers (Node only): onnxruntime-node reference runs, seeded inputs, gradient checks.
import * as ort from 'onnxruntime-node'
import * as tf from '@tensorflow/tfjs-core'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export { ort }

import { mulberry32 as rng } from '../../src/core/linalg/random'

export { rng }

export function randn(r: () => number, n: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const u = Math.max(r(), 1e-12)
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r())
  }
  return out
}

export type InputKind = 'randn' | 'positive' | 'unit'

/** One op graph of test/fixtures/onnx-ops (made by scripts/make-op-graphs.py) as its manifest lists it. */
export interface OpFixture {
  name: string
  file: string
  ops: string[]
  inputs: Record<string, { shape: number[]; kind: InputKind }>
  outputs: string[]
  grad: boolean
}

export const OP_FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'onnx-ops')

export function loadOpFixtures(): OpFixture[] {
  return (JSON.parse(readFileSync(join(OP_FIXTURES_DIR, 'manifest.json'), 'utf8')) as { fixtures: OpFixture[] }).fixtures
}

export function opFixtureBytes(fx: OpFixture): Uint8Array {
  return new Uint8Array(readFileSync(join(OP_FIXTURES_DIR, fx.file)))
}

// Ops with kinks: a finite-difference step that straddles a kink is off by O(1) for that element, so use a
// small step there; smooth graphs use a larger step (less float32 round-off in the difference).
export const KINK_OPS = new Set(['Relu', 'Abs', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Clip', 'Max', 'Min', 'ReduceMax', 'ReduceMin', 'Elu', 'Selu', 'MaxPool', 'GlobalMaxPool'])

export function sample(r: () => number, kind: InputKind, n: number): Float32Array {
  if (kind === 'positive') return Float32Array.from({ length: n }, () => 0.5 + 1.5 * r())
  if (kind === 'unit') return Float32Array.from({ length: n }, () => r())
  return randn(r, n)
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

export type Feeds = Record<string, { data: Float32Array; shape: number[] }>

export async function ortSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 })
}

export async function ortRun(s: ort.InferenceSession, feeds: Feeds, output?: string): Promise<Float32Array> {
  const f: Record<string, ort.Tensor> = {}
  for (const [k, v] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', v.data, v.shape)
  const r = await s.run(f)
  const name = output ?? s.outputNames[0] ?? ''
  const t = r[name]
  if (!t) throw new Error(`ORT produced no ${name}`)
  return Float32Array.from(t.data as ArrayLike<number>)
}

export function toTf(feeds: Feeds): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {}
  for (const [k, v] of Object.entries(feeds)) out[k] = tf.tensor(v.data, v.shape, 'float32')
  return out
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)))
  return m
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] ?? 0))
  return m
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0)
  return s
}

/**
 * Directional gradient check: for random directions u (input) and cotangents v (output), compare
 * ⟨Jᵀv, u⟩ from the VJP against the central difference (⟨v, f(x+hu)⟩ − ⟨v, f(x−hu)⟩) / 2h computed with
 * `reference` (onnxruntime). Returns the worst relative error |a−b| / max(|a|, |b|, floor).
 */
export async function gradcheck(opts: {
  x: Float32Array
  outSize: number
  vjp: (v: Float32Array) => Float32Array | Promise<Float32Array>
  reference: (x: Float32Array) => Promise<Float32Array>
  seed: number
  directions?: number
  h?: number
  floor?: number
}): Promise<number> {
  const r = rng(opts.seed)
  const h = opts.h ?? 1e-2
  let worst = 0
  for (let d = 0; d < (opts.directions ?? 3); d++) {
    const u = randn(r, opts.x.length)
    const v = randn(r, opts.outSize)
    const xp = opts.x.map((xi, i) => xi + h * (u[i] ?? 0))
    const xm = opts.x.map((xi, i) => xi - h * (u[i] ?? 0))
    const fd = (dot(v, await opts.reference(xp)) - dot(v, await opts.reference(xm))) / (2 * h)
    const ad = dot(await opts.vjp(v), u)
    const rel = Math.abs(fd - ad) / Math.max(Math.abs(fd), Math.abs(ad), opts.floor ?? 1e-3)
    worst = Math.max(worst, rel)
  }
  return worst
}
