// Differentiable ONNX on onnxruntime: the model's reverse-mode derivative as ONNX graphs ORT runs natively.
export { buildVjpModels, OrtVjpUnsupportedError, type Probe, type ProbedValue, probeModel, TRANSFORM_VERSION, type VjpModels, vjpOps } from './transform'
export { type FloatFeeds, type OrtLinearization, type OrtRuntime, type OrtSessionLike, type OrtTensorLike, OrtVjpExecutor, OrtVjpGraph, type OrtVjpInitOptions, type OrtVjpInitStage, type OrtVjpOptions } from './executor'
export { type AsyncDenoiser, type AsyncLinearization, createOrtVjpDenoiser, OrtVjpDenoiser, OrtVjpDenoiserError } from './denoiser'
export { type BridgePort, type BridgeRequest, OrtBridgeDenoiser, OrtBridgeError, ortVjpServer } from './syncBridge'
