// The Diagnostics job: the same small real computation on every backend, compared with the cpu backend.
// tfjs: a batch through a tiny conv net plus its gradient. onnxruntime-web: the tiny ONNX graph made by
// scripts/make-diagnostic-onnx.ts, compared with the same function evaluated by tfjs on cpu.
import type * as tfType from '@tensorflow/tfjs-core'
import { TFJS_BACKENDS, probeBackend, type TfjsBackend } from '../engines/tfjs/backends'
import { runTinyNet, maxAbsDiff, type NetResult } from '../engines/diagnostics/tinyNet'
import { TINY, tinyGraphTf, tinyInput } from '../engines/diagnostics/tinyGraph'
import type { DiagnosticRow, DiagnosticsReport } from './api'
import type { ProgressCallback } from './jobs'
import { yieldToEvents } from './jobs'
import { adapterInfo, describeAdapter, webglRenderer } from './gpu'

export const DIAGNOSTIC_TOLERANCE = 1e-3

export interface OrtRunner {
  /** Runs the tiny graph on `ep`; returns the output and (first, measured) times in ms. */
  run(ep: 'wasm' | 'webgpu', x: Float32Array, dims: number[]): Promise<{ y: Float32Array; firstMs: number; ms: number }>
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const r = await f()
  return [r, performance.now() - t0]
}

export async function runDiagnostics(
  tf: typeof tfType,
  ort: OrtRunner,
  signal: AbortSignal,
  onProgress: ProgressCallback,
  restoreTo: TfjsBackend,
  probeWith: typeof probeBackend = probeBackend,
): Promise<DiagnosticsReport> {
  const rows: DiagnosticRow[] = []
  const order: TfjsBackend[] = ['cpu', ...TFJS_BACKENDS.filter((b) => b !== 'cpu')]
  const total = order.length + 2
  let step = 0
  const tick = async (message: string): Promise<void> => {
    onProgress({ fraction: step / total, message })
    await yieldToEvents()
    signal.throwIfAborted()
  }
  let reference: NetResult | undefined
  let ortReference: Float32Array | undefined
  try {
    for (const backend of order) {
      await tick(`tfjs ${backend}: probing and running the tiny conv net + gradient`)
      const row: DiagnosticRow = { engine: 'tfjs', backend, available: false }
      const probe = await probeWith(tf, backend)
      if (!probe.ok) {
        row.reason = probe.reason
      } else {
        try {
          row.available = true
          if (backend === 'webgpu') row.info = describeAdapter(await adapterInfo())
          if (backend === 'webgl') row.info = webglRenderer()
          if (backend === 'wasm') row.info = `SIMD ${String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT'))}, threads off`
          const [, firstMs] = await timed(() => runTinyNet(tf))
          signal.throwIfAborted()
          const [result, ms] = await timed(() => runTinyNet(tf))
          row.firstMs = firstMs
          row.ms = ms
          if (backend === 'cpu') {
            reference = result
            ortReference = await ortReferenceOnCpu(tf)
            row.info = 'reference'
          }
          if (reference) {
            row.maxAbsDiff = Math.max(
              maxAbsDiff(result.outputs, reference.outputs),
              maxAbsDiff(result.gradient, reference.gradient),
            )
            row.agrees = row.maxAbsDiff <= DIAGNOSTIC_TOLERANCE
          }
        } catch (e) {
          signal.throwIfAborted()
          row.available = false
          row.reason = `ran but failed: ${errText(e)}`
        }
      }
      rows.push(row)
      step++
    }
    for (const ep of ['wasm', 'webgpu'] as const) {
      await tick(`onnxruntime-web ${ep}: running the tiny ONNX graph`)
      const row: DiagnosticRow = { engine: 'onnxruntime-web', backend: ep, available: false }
      try {
        const { batch, inChannels, size } = TINY
        const r = await ort.run(ep, tinyInput(), [batch, inChannels, size, size])
        row.available = true
        row.firstMs = r.firstMs
        row.ms = r.ms
        if (ep === 'webgpu') row.info = describeAdapter(await adapterInfo())
        if (ep === 'wasm') row.info = `${globalThis.crossOriginIsolated ? 2 : 1} thread(s)`
        if (ortReference) {
          row.maxAbsDiff = maxAbsDiff(r.y, ortReference)
          row.agrees = row.maxAbsDiff <= DIAGNOSTIC_TOLERANCE
        }
      } catch (e) {
        signal.throwIfAborted()
        row.reason = errText(e)
      }
      rows.push(row)
      step++
    }
    onProgress({ fraction: 1, message: 'done' })
    return { rows, backend: restoreTo, tolerance: DIAGNOSTIC_TOLERANCE }
  } finally {
    await tf.setBackend(restoreTo)
  }
}

async function ortReferenceOnCpu(tf: typeof tfType): Promise<Float32Array> {
  const { batch, inChannels, size } = TINY
  const y = tf.tidy(() => tinyGraphTf(tf, tf.tensor4d(tinyInput(), [batch, inChannels, size, size])))
  try {
    return (await y.data()) as Float32Array
  } finally {
    y.dispose()
  }
}
