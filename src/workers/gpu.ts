// Minimal WebGPU typings for what the worker reads (adapter info, device loss), so that no global
// @webgpu/types dependency leaks into the Node-side code.
import type { AdapterInfo } from './api'

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }
  isFallbackAdapter?: boolean
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>
}
export interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>
  destroy(): void
}

function gpu(): GpuLike | undefined {
  return (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu
}

export async function adapterInfo(): Promise<AdapterInfo | undefined> {
  const g = gpu()
  if (!g) return undefined
  const a = await g.requestAdapter()
  if (!a) return undefined
  return {
    vendor: a.info?.vendor ?? '',
    architecture: a.info?.architecture ?? '',
    device: a.info?.device ?? '',
    description: a.info?.description ?? '',
    // newer Chromium reports it on adapter.info (the adapter's own property is deprecated)
    isFallbackAdapter: a.info?.isFallbackAdapter ?? a.isFallbackAdapter ?? false,
  }
}

export function describeAdapter(a: AdapterInfo | undefined): string {
  if (!a) return 'no adapter'
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((s) => s !== '')
  return `${parts.join(' / ') || 'unnamed adapter'}${a.isFallbackAdapter ? ' (fallback/software adapter)' : ''}`
}

/** WebGL2 renderer string in this context (worker: OffscreenCanvas). */
export function webglRenderer(): string | undefined {
  try {
    if (typeof OffscreenCanvas === 'undefined') return undefined
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2')
    if (!gl) return undefined
    const ext = gl.getExtension('WEBGL_debug_renderer_info')
    const r = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)
    gl.getExtension('WEBGL_lose_context')?.loseContext()
    return String(r)
  } catch {
    return undefined
  }
}
