// How many wasm threads onnxruntime-web gets: cores − 1 (as tfjs-wasm), at most 4, and 1 without cross-origin
// isolation. On the 2-vCPU VM 2 threads made cifar10-unet 2.5× slower than 1 (docs/bench-engine.md, 23:23 UTC check run):
// the second thread competes with the compute worker and the page for the only other core.
export function ortWasmThreads(crossOriginIsolated: boolean, hardwareConcurrency: number | undefined): number {
  if (!crossOriginIsolated) return 1
  const cores = Number.isFinite(hardwareConcurrency) && (hardwareConcurrency ?? 0) > 0 ? Math.floor(hardwareConcurrency as number) : 2
  return Math.max(1, Math.min(4, cores - 1))
}
