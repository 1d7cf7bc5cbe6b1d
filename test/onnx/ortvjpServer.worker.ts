// worker_threads entry for test/onnx/ortvjpBridge.test.ts: the ORT VJP server on onnxruntime-node.
import { parentPort } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import { type BridgeRequest, ortVjpServer } from '../../src/engines/onnx/ortvjp/syncBridge'

const serve = ortVjpServer({
  createSession: (b) => ort.InferenceSession.create(b, { intraOpNumThreads: 1 }),
  tensor: (d, dims) => new ort.Tensor('float32', d, [...dims]),
})
parentPort?.on('message', (m: BridgeRequest) => {
  void serve(m)
})
parentPort?.postMessage('ready')
