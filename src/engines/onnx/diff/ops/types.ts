// What an op implementation sees: its inputs (tensors, and host values when constant), attributes, opset.
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Laid, Perm } from '../layout'
import type { AttrValue, DType, HostTensor, NodeIR } from '../model'

export interface Arg {
  readonly name: string
  readonly shape: readonly number[]
  readonly dtype: DType
  /** True for constants: initializers, Constant nodes, values folded from them and from input shapes. */
  readonly isConst: boolean
  /** Host copy when the value is a constant, else null (folded constants are read back on first access). */
  readonly host: HostTensor | null
  /** The value as a tensor in ONNX (logical) layout (constants: a cached tensor owned by the graph; do not
   * dispose). A value stored permuted is transposed back once per run on first call. */
  tensor(): Tensor
  /** How the value is stored: physical = transpose(logical, layout); null = stored in logical layout. */
  readonly layout: Perm | null
  /** The stored tensor (equal to tensor() when layout is null). */
  physical(): Tensor
  /** Host values as numbers (constants: free; otherwise a synchronous read-back). */
  values(): number[]
}

export interface OpCtx {
  readonly node: NodeIR
  readonly opset: number
  /** Required input i (throws a clear error if absent). */
  input(i: number): Arg
  /** Optional input i, null if omitted. */
  optional(i: number): Arg | null
  readonly numInputs: number
  /** How many outputs the node declares (non-empty names). */
  readonly numOutputs: number
  attr(name: string): AttrValue | undefined
  int(name: string, def: number): number
  ints(name: string, def: readonly number[] | null): number[] | null
  float(name: string, def: number): number
  string(name: string, def: string): string
  /** A tensor derived from a constant input (e.g. transposed weights), cached across runs; not owned by the op. */
  derived(arg: Arg, key: string, make: (t: Tensor) => Tensor): Tensor
}

/** An op returns logical tensors, or tensors stored in a permuted layout (see ../layout.ts). */
export type OpFn = (ctx: OpCtx) => Tensor | Laid | (Tensor | Laid)[]

export type OpRegistry = Record<string, OpFn>

export class OpError extends Error {}
