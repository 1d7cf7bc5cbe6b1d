// Differentiable ONNX: run an ONNX denoiser op by op in tfjs, with exact VJPs from tfjs autodiff.
export { checkModel, type CheckReport, type DenoiserIO, type Dim } from './check'
export { createOnnxDenoiser, OnnxDenoiser, OnnxDenoiserError, type OnnxDenoiserOptions } from './denoiser'
export { describeUnsupported, findUnsupported, OnnxGraph, OnnxGraphError, type PlanInfo, type UnsupportedOp } from './graph'
export { parseModel, OnnxParseError, type HostTensor, type ModelIR, type NodeIR } from './model'
export { supportedOps } from './ops'
export { recordVjp, type RecordedVjp } from './tape'
export { validateDenoiser, type ReferenceRun, type RefFeed, type SigmaReport, type ValidateOptions, type ValidationResult } from './validate'
