// Vite plugin: makes tfjs-backend-wasm's threaded build work in the minified production build.
//
// The trap (../shared/docs/stack-notes.md §3c): tfjs starts its pthread workers from a Blob holding
// `wasmFactoryThreadedSimd.toString()`. Emscripten's factory reads `_scriptDir`, a variable of the IIFE around
// it, behind a `typeof _scriptDir !== "undefined"` guard. The minifier renames `_scriptDir` (to `e`) and, as the
// binding is in scope, drops the typeof guard; in the worker the stringified function then runs without that
// scope: `ReferenceError: e is not defined`, and `tf.setBackend('wasm')` never resolves.
// In an ES-module build `_scriptDir` is always undefined (module scripts have no document.currentScript, workers
// no document, and there is no __filename), so its two uses inside the function are replaced by `undefined`:
// the same behaviour, and a function that no longer refers to anything outside itself.
import type { Plugin } from 'vite'

const FILE = /tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/
const GUARDED = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}'
const FALLBACK = '"urlOrBlob":Module["mainScriptUrlOrBlob"]||_scriptDir,'

export function tfjsWasmThreads(): Plugin {
  return {
    name: 'tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!FILE.test(id)) return null
      if (!code.includes(GUARDED) || !code.includes(FALLBACK)) {
        // a tfjs upgrade changed the factory: fail the build rather than ship a backend that hangs
        this.error('tfjs-wasm-threads: the threaded factory no longer has the expected _scriptDir uses; re-check the minified-build trap (stack-notes §3c)')
      }
      return { code: code.replace(GUARDED, '').replace(FALLBACK, '"urlOrBlob":Module["mainScriptUrlOrBlob"],'), map: null }
    },
  }
}
