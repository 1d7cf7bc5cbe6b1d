// Browser-only backend registration: WebGPU, and the wasm backend with Vite-served .wasm files.
// Threads: the app is cross-origin isolated, so tfjs-wasm picks its threaded SIMD build (one XNNPACK thread per
// logical core, src/engines/tfjs/wasmThreads.ts). Under the minified production build that build used to hang (stack-notes §3c); the Vite plugin
// scripts/vite-tfjs-wasm-threads.ts removes the cause. Without cross-origin isolation tfjs falls back to one thread.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import tfWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import tfWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import tfWasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import { configureWasmThreads } from './wasmThreads'

setWasmPaths({
  'tfjs-backend-wasm.wasm': tfWasm,
  'tfjs-backend-wasm-simd.wasm': tfWasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': tfWasmThreaded,
})
configureWasmThreads()

export { tf }
