// The ORT VJP server (src/engines/onnx/ortvjp/syncBridge.ts) in its own worker: onnxruntime-web (wasm) runs the
// model's forward-with-saved-activations and backward graphs; the sampling worker blocks on its answers.
import { ort } from '../engines/onnx/ortWeb'
import { type BridgeRequest, ortVjpServer } from '../engines/onnx/ortvjp/syncBridge'

const serve = ortVjpServer({
  createSession: (b) => ort.InferenceSession.create(b, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }),
  tensor: (d, dims) => new ort.Tensor('float32', d, [...dims]),
})
self.onmessage = (e: MessageEvent<BridgeRequest>) => {
  void serve(e.data)
}
self.postMessage('ready')
