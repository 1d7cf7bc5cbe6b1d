/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { tfjsWasmThreads } from './scripts/vite-tfjs-wasm-threads'

// Cross-origin isolation (SharedArrayBuffer for wasm threads) and a strict CSP: the app works offline and
// talks to no other origin. 'wasm-unsafe-eval' lets WebAssembly compile; blob: workers are tfjs/ORT helpers.
const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
}

// PREVIEW_PORT lets parallel checkouts (worktrees) run their e2e suites side by side.
const previewPort = Number(process.env.PREVIEW_PORT ?? 4173)

export default defineConfig({
  plugins: [react(), tfjsWasmThreads()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers },
  preview: { host: '127.0.0.1', port: previewPort, strictPort: true, headers },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  // the plugin must also run on the worker bundles (the compute worker is where tfjs-wasm starts)
  worker: { format: 'es', plugins: () => [tfjsWasmThreads()] },
  // bench-engine.html: the page `npm run bench:engine` drives (no UI; not linked from the app)
  build: { chunkSizeWarningLimit: 4000, rollupOptions: { input: { main: 'index.html', 'bench-engine': 'bench-engine.html' } } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
})
