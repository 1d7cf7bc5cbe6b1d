// The op registry: ONNX op type (default domain) → tfjs implementation in NCHW semantics.
import { convOps } from './conv'
import { elementwiseOps } from './elementwise'
import { matmulOps } from './matmul'
import { normOps } from './norm'
import { reduceOps } from './reduce'
import { resizeOps } from './resize'
import { shapeOps } from './shape'
import type { OpFn, OpRegistry } from './types'

export const OPS: OpRegistry = {
  ...elementwiseOps,
  ...matmulOps,
  ...convOps,
  ...reduceOps,
  ...normOps,
  ...resizeOps,
  ...shapeOps,
}

/** com.microsoft / other-domain ops are not supported; 'ai.onnx' is the default domain. */
export function lookupOp(opType: string, domain: string): OpFn | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined
  return Object.prototype.hasOwnProperty.call(OPS, opType) ? OPS[opType] : undefined
}

export function supportedOps(): string[] {
  return Object.keys(OPS).sort()
}

export type { Arg, OpCtx, OpFn } from './types'
export { OpError } from './types'
