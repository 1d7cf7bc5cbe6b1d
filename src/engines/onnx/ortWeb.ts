// onnxruntime-web in the browser (the worker): one place that configures where its wasm lives.
// { mjs, wasm } from ?url imports works in dev and in the production build, threads included (stack-notes §3d).
import * as ort from 'onnxruntime-web'
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url'
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url'
import { ortWasmThreads } from './ortThreads'

ort.env.wasm.wasmPaths = { mjs: ortMjs, wasm: ortWasm }
ort.env.wasm.numThreads = ortWasmThreads(globalThis.crossOriginIsolated === true, globalThis.navigator?.hardwareConcurrency)
ort.env.logLevel = 'error'

export type OrtEp = 'wasm' | 'webgpu'
export { ort }

export async function createSession(bytes: Uint8Array, ep: OrtEp): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'all' })
}
