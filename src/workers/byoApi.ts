// Bring-your-own ONNX denoiser: check it, run parity against onnxruntime-web and a gradient check.
export interface ByoCheckResult {
  ok: boolean
  /** Clear, user-facing problems (corrupt file, wrong inputs/outputs, unsupported ops, failed checks). */
  errors: string[]
  /** Unsupported ops by name and node. */
  unsupported: string[]
  /** [C, H, W] the model will run at. */
  shape?: [number, number, number]
  ops?: Record<string, number>
  parityMaxAbs?: number
  /** The parity limit applied (looser on GPU backends) and the tfjs backend the check ran on. */
  parityLimit?: number
  backend?: string
  gradcheckRel?: number
  msForwardOrt?: number
  msForwardTfjs?: number
  msVjpTfjs?: number
}

export interface ByoApi {
  /** `shape` is needed when the model declares symbolic C/H/W. */
  checkOnnx(bytes: Uint8Array, shape?: [number, number, number]): Promise<ByoCheckResult>
}

export const PARITY_LIMIT = 1e-4
/** float32 GPU kernels (webgl/webgpu) differ from onnxruntime by ~1e-5 per element on good models. */
export const PARITY_LIMIT_GPU = 1e-3
export const GRADCHECK_LIMIT = 1e-2
