// tfjs-wasm threads in the browser. With cross-origin isolation (SharedArrayBuffer) tfjs loads its threaded SIMD
// build, but its C++ side sizes the XNNPACK pool as min(asked, navigator.hardwareConcurrency / 2) — it assumes two
// hyperthreads per core — so a 2-vCPU machine gets one thread. The wasm backend's factory is wrapped so that,
// while it initialises (and only then), hardwareConcurrency reads as twice the logical cores; the pool then gets
// one thread per logical core (we ask for one fewer, see below). Nothing else sees the changed value. Must run before the first
// tf.setBackend('wasm'). In Node tfjs-wasm has no threads (its pthread workers are blob: URLs, which Node's
// worker_threads refuses: ERR_WORKER_PATH), and this does nothing there.
import * as tf from '@tensorflow/tfjs-core'
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm'

/** tfjs-backend-wasm's registration priority (backend_wasm.ts WASM_PRIORITY). */
const WASM_PRIORITY = 2

/** Asks for one XNNPACK thread per logical core but one; returns the count asked for (1 without cross-origin isolation). */
export function configureWasmThreads(): number {
  const isolated = typeof globalThis.crossOriginIsolated === 'boolean' && globalThis.crossOriginIsolated
  const nav = typeof navigator !== 'undefined' ? navigator : null
  const cores = nav && nav.hardwareConcurrency > 0 ? nav.hardwareConcurrency : 1
  // One core stays free for the page's main thread (the XNNPACK caller thread is one of the pool's threads):
  // on a 2-core machine the worker saturating both cores made the page's React renders miss the e2e
  // responsiveness budget, so it keeps one thread there and gets cores − 1 on bigger machines.
  const want = cores - 1
  if (!isolated || !nav || want < 2) {
    setThreadsCount(1)
    return 1
  }
  setThreadsCount(want)
  const factory = tf.findBackendFactory('wasm')
  if (factory && !tf.findBackend('wasm')) {
    tf.removeBackend('wasm')
    tf.registerBackend('wasm', async () => {
      const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency')
      Object.defineProperty(nav, 'hardwareConcurrency', { value: cores * 2, configurable: true })
      try {
        return await factory()
      } finally {
        if (own) Object.defineProperty(nav, 'hardwareConcurrency', own)
        else delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency
      }
    }, WASM_PRIORITY)
  }
  return want
}
