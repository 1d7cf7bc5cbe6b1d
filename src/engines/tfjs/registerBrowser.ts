// Browser-only backend registration: WebGPU, and the wasm backend with Vite-served .wasm files.
// Threads stay off: the threaded tfjs-wasm build breaks under a minified Vite build (stack-notes §3c).
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import tfWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import tfWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import tfWasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'

setWasmPaths({
  'tfjs-backend-wasm.wasm': tfWasm,
  'tfjs-backend-wasm-simd.wasm': tfWasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': tfWasmThreaded,
})
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)

export { tf }
