// The ORT VJP server (src/engines/onnx/ortvjp/syncBridge.ts) in its own worker, started by the page
// (src/workers/client.ts) next to the compute worker: onnxruntime-web (wasm) runs the models' forward-with-saved-
// activations and backward graphs while the compute worker blocks on the answers. The page hands over a control
// port; the compute worker sends one MessagePort per model through it, each served by its own executor. (Not a
// nested worker of the compute worker: Chromium did not deliver a parent worker's messages to its nested worker
// while the parent was blocked in Atomics.wait.) Each init stage is reported on the model's port ({stage, ms});
// the emitted graphs are cached in IndexedDB (ortVjpGraphCache.ts), so a second visit skips probe and transform.
import { ort } from '../engines/onnx/ortWasmOnly'
import { type BridgeRequest, ortVjpServer } from '../engines/onnx/ortvjp/syncBridge'
import { graphCacheKey, loadGraphs, saveGraphs, sha256Hex } from './ortVjpGraphCache'

const rt = {
  createSession: (b: Uint8Array, hint?: { graphOptimizationLevel: 'disabled' }) => ort.InferenceSession.create(b, { executionProviders: ['wasm'], graphOptimizationLevel: hint?.graphOptimizationLevel ?? 'all' }),
  tensor: (d: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', d, [...dims]),
}

export type OrtVjpServerMessage = 'ready' | { init: string | null } | { stage: string; ms?: number } | { note: string }

let runtimeStarted: Promise<void> | undefined
/** Loads and compiles onnxruntime's wasm once (a session of the tiny diagnostics graph), as its own init stage. */
function startRuntime(): Promise<void> {
  runtimeStarted ??= fetch(new URL(`${import.meta.env.BASE_URL}diagnostics/tiny.onnx`, self.location.origin))
    .then(async (r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`)
      const s = await ort.InferenceSession.create(new Uint8Array(await r.arrayBuffer()), { executionProviders: ['wasm'] })
      await s.release()
    })
    .catch(() => undefined) // only a warm-up: the model's own first session starts the runtime anyway
  return runtimeStarted
}

self.onmessage = (e: MessageEvent<{ control?: MessagePort }>) => {
  const control = e.data?.control
  if (!(control instanceof MessagePort)) return
  control.onmessage = (c: MessageEvent<{ port?: MessagePort }>) => {
    const port = c.data?.port
    if (!(port instanceof MessagePort)) return
    const post = (m: OrtVjpServerMessage): void => port.postMessage(m)
    let key: string | undefined
    let cached = false
    const serve = ortVjpServer(rt, {
      onInit: (error) => post({ init: error }),
      initOptions: async (bytes, opts) => {
        const onStage = (stage: string, ms?: number): void => post({ stage, ms })
        onStage('onnxruntime wasm')
        const t0 = performance.now()
        await startRuntime()
        onStage('onnxruntime wasm', performance.now() - t0)
        onStage('graph cache')
        const t1 = performance.now()
        key = graphCacheKey(await sha256Hex(bytes), opts)
        const models = await loadGraphs(key)
        cached = models !== undefined
        onStage(cached ? 'graph cache (hit)' : 'graph cache (miss)', performance.now() - t1)
        return { onStage, models }
      },
      afterInit: async (_bytes, ex) => {
        if (cached || !key) return
        const note = await saveGraphs(key, ex.models)
        if (note) post({ note })
      },
    })
    port.onmessage = (m: MessageEvent<BridgeRequest>) => {
      void serve(m.data)
    }
    post('ready')
  }
}
