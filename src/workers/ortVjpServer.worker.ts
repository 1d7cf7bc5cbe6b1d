// The ORT VJP server (src/engines/onnx/ortvjp/syncBridge.ts) in its own worker, started by the page
// (src/workers/client.ts) next to the compute worker: onnxruntime-web (wasm) runs the models' forward-with-saved-
// activations and backward graphs while the compute worker blocks on the answers. The page hands over a control
// port; the compute worker sends one MessagePort per model through it, each served by its own executor. (Not a
// nested worker of the compute worker: Chromium did not deliver a parent worker's messages to its nested worker
// while the parent was blocked in Atomics.wait.)
import { ort } from '../engines/onnx/ortWeb'
import { type BridgeRequest, ortVjpServer } from '../engines/onnx/ortvjp/syncBridge'

const rt = {
  createSession: (b: Uint8Array, hint?: { graphOptimizationLevel: 'disabled' }) => ort.InferenceSession.create(b, { executionProviders: ['wasm'], graphOptimizationLevel: hint?.graphOptimizationLevel ?? 'all' }),
  tensor: (d: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', d, [...dims]),
}

self.onmessage = (e: MessageEvent<{ control?: MessagePort }>) => {
  const control = e.data?.control
  if (!(control instanceof MessagePort)) return
  control.onmessage = (c: MessageEvent<{ port?: MessagePort }>) => {
    const port = c.data?.port
    if (!(port instanceof MessagePort)) return
    const serve = ortVjpServer(rt, (error) => port.postMessage({ init: error }))
    port.onmessage = (m: MessageEvent<BridgeRequest>) => {
      void serve(m.data)
    }
    port.postMessage('ready')
  }
}
