// The Models page's part of the worker API: a live denoising demo and unconditional sampling.
export type DemoEngine = 'onnxruntime-web' | 'tfjs-onnx'

export interface DenoiseDemoRequest {
  onnxUrl: string
  /** C×H×W in [−2, 2]. */
  image: Float32Array
  shape: [number, number, number]
  sigma: number
  seed: number
  engine: DemoEngine
}

export interface DenoiseDemoResult {
  noisy: Float32Array
  denoised: Float32Array
  psnrNoisy: number
  psnrDenoised: number
  ms: number
  /** e.g. "onnxruntime-web (wasm)" or "tfjs (webgpu)". */
  engine: string
}

export interface SampleRequest {
  onnxUrl: string
  /** The model's id, naming it in the measured backend choice ("cifar10-unet"). */
  model?: string
  shape: [number, number, number]
  count: number
  steps: number
  sampler: 'ddpm' | 'ddim'
  seed: number
}

export interface SampleProgress {
  step: number
  steps: number
  sigma: number
  /** x_t and the Tweedie estimate D(x_t) of every sample, N×C×H×W (sent every few steps). */
  xt: Float32Array
  denoised: Float32Array
}

export interface SampleResult {
  samples: Float32Array
  seconds: number
  forwardPasses: number
  backend: string
}

export interface ModelsApi {
  denoiseDemo(req: DenoiseDemoRequest): Promise<DenoiseDemoResult>
  sampleModel(jobId: string, req: SampleRequest, onProgress: (p: SampleProgress) => void): Promise<SampleResult>
}
