// The ORT-VJP executor's timings for `npm run bench:engine`, the same code in Node (onnxruntime-node or
// onnxruntime-web's wasm build) and in the browser bench worker (onnxruntime-web): per model, the executor's
// creation (probe, transform, three sessions), then per batch rounds of [reference forwards…, the executor's plain
// forward, its forward with saved activations (linearize), one VJP], interleaved so all see the same load; warm-up
// rounds first (a count and, optionally, a minimum time).
// No assertions: it measures and reports.
import { type OrtRuntime, OrtVjpExecutor } from '../engines/onnx/ortvjp/executor'
import { type BenchModel, median, type Reps } from './engineBench'

export interface OrtVjpTiming {
  model: string
  batch: number
  /** OrtVjpExecutor.create for this model (probe, transform, three sessions), ms; shared by its batches. */
  initMs: number
  /** Reference forwards timed in the same rounds (Node: onnxruntime-node at 1 and 2 intra-op threads), median ms. */
  refMs: Record<string, number>
  /** The executor's plain forward: the original graph on this runtime, no saved activations. */
  plainMs: number
  /** Forward with saved activations (linearize). */
  forwardMs: number
  /** One backward pass on that linearisation. */
  vjpMs: number
}

/** One forward of the original model at `batch` on a reference runtime (its session made beforehand). */
export type RefForward = (m: BenchModel, batch: number, x: Float32Array) => Promise<void>

/** Deterministic inputs: x and the cotangent v for a batch of `m`. */
export function benchInputs(m: BenchModel, batch: number): { x: Float32Array; v: Float32Array } {
  const n = batch * m.sampleShape.reduce((p, q) => p * q, 1)
  return { x: Float32Array.from({ length: n }, (_, i) => Math.sin(i)), v: Float32Array.from({ length: n }, (_, i) => Math.cos(0.3 * i)) }
}

export async function timeOrtVjp(
  rt: OrtRuntime,
  models: readonly BenchModel[],
  batches: readonly number[],
  r: Reps,
  refs: Readonly<Record<string, RefForward>> = {},
  log: (s: string) => void = () => {},
  /** Warm up each batch for at least this long too (ms). */
  minWarmupMs = 0,
): Promise<OrtVjpTiming[]> {
  const out: OrtVjpTiming[] = []
  for (const m of models) {
    const t0 = performance.now()
    const ex = await OrtVjpExecutor.create(rt, m.bytes, { x: 'x', sigma: 'sigma', sampleShape: m.sampleShape })
    const initMs = performance.now() - t0
    log(`${m.id}: executor created in ${(initMs / 1000).toFixed(1)} s`)
    try {
      for (const b of batches) {
        const { x, v } = benchInputs(m, b)
        const ref: Record<string, number[]> = Object.fromEntries(Object.keys(refs).map((k) => [k, []]))
        const plain: number[] = []
        const fw: number[] = []
        const vj: number[] = []
        // warm-up: at least r.warmup rounds and at least minWarmupMs (wasm tiers up hot functions while it runs)
        const tw = performance.now()
        let warm = 0
        while (warm < r.warmup || performance.now() - tw < minWarmupMs) {
          for (const run of Object.values(refs)) await run(m, b, x)
          await ex.forward(x, 1)
          const lin = await ex.linearize(x, 1)
          await lin.vjp(v)
          lin.dispose()
          warm++
        }
        for (let i = 0; i < r.reps; i++) {
          for (const [k, run] of Object.entries(refs)) {
            const s = performance.now()
            await run(m, b, x)
            ref[k]?.push(performance.now() - s)
          }
          const s0 = performance.now()
          await ex.forward(x, 1)
          const s1 = performance.now()
          const lin = await ex.linearize(x, 1)
          const s2 = performance.now()
          await lin.vjp(v)
          const s3 = performance.now()
          lin.dispose()
          plain.push(s1 - s0)
          fw.push(s2 - s1)
          vj.push(s3 - s2)
        }
        const t: OrtVjpTiming = { model: m.id, batch: b, initMs, refMs: Object.fromEntries(Object.entries(ref).map(([k, ts]) => [k, median(ts)])), plainMs: median(plain), forwardMs: median(fw), vjpMs: median(vj) }
        log(`${m.id} b${b}: ${Object.entries(t.refMs).map(([k, ms]) => `${k} ${ms.toFixed(1)}, `).join('')}plain fwd ${t.plainMs.toFixed(1)}, fwd+saves ${t.forwardMs.toFixed(1)}, VJP ${t.vjpMs.toFixed(1)} ms`)
        out.push(t)
      }
    } finally {
      await ex.dispose()
    }
  }
  return out
}
