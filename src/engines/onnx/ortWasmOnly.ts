// onnxruntime-web's plain wasm build (no WebGPU/JSEP): what the ORT VJP worker runs. Its .wasm is half the size of
// the JSEP build's (14 MB against 28 MB): less to fetch and compile on a first visit.
import * as ort from 'onnxruntime-web/wasm'
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url'
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url'
import { ortWasmThreads } from './ortThreads'

ort.env.wasm.wasmPaths = { mjs: ortMjs, wasm: ortWasm }
ort.env.wasm.numThreads = ortWasmThreads(globalThis.crossOriginIsolated === true, globalThis.navigator?.hardwareConcurrency)
ort.env.logLevel = 'error'

export { ort }
