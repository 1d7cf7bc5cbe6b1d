// checkModel: can these ONNX bytes be used as a denoiser? Inputs x [N,C,H,W] and sigma [N], exactly one output
// of x's shape, every op supported. Never throws: a corrupt file gives ok=false with a readable error.
import { type ModelIR, OnnxParseError, type ValueInfoIR, parseModel } from './model'
import { describeUnsupported, findUnsupported, type UnsupportedOp } from './graph'

export type Dim = number | string | null

export interface DenoiserIO {
  readonly x: string
  readonly sigma: string
  readonly output: string
  /** [N, C, H, W] as declared (numbers, symbolic names, or null). */
  readonly xShape: readonly Dim[]
}

export interface CheckReport {
  readonly ok: boolean
  /** Human-readable problems; empty when ok. */
  readonly errors: readonly string[]
  /** True when the bytes are not a readable ONNX model at all. */
  readonly corrupt: boolean
  readonly unsupported: readonly UnsupportedOp[]
  readonly io: DenoiserIO | null
  readonly opset: number | null
  /** op type → node count */
  readonly ops: Readonly<Record<string, number>>
  readonly model: ModelIR | null
}

const fmt = (v: ValueInfoIR): string => `${v.name} ${v.elemType}${v.shape ? `[${v.shape.map((d) => d ?? '?').join(',')}]` : '[?]'}`

const FLOATS = new Set(['FLOAT', 'FLOAT16', 'DOUBLE', 'BFLOAT16'])

export function checkModel(bytes: Uint8Array): CheckReport {
  let model: ModelIR
  try {
    model = parseModel(bytes)
  } catch (err) {
    const msg = err instanceof OnnxParseError ? err.message : `could not read the model: ${err instanceof Error ? err.message : String(err)}`
    return { ok: false, errors: [msg], corrupt: true, unsupported: [], io: null, opset: null, ops: {}, model: null }
  }
  const errors: string[] = []
  const unsupported: UnsupportedOp[] = findUnsupported(model)
  for (const u of unsupported) errors.push(`unsupported op ${describeUnsupported(u)}`)
  const ops: Record<string, number> = {}
  for (const n of model.nodes) ops[n.opType] = (ops[n.opType] ?? 0) + 1

  let io: DenoiserIO | null = null
  const ins = model.inputs
  const xIn = ins.find((i) => i.shape?.length === 4)
  const sIn = ins.find((i) => i !== xIn && (i.shape?.length === 1 || i.shape?.length === 0))
  if (ins.length !== 2 || !xIn || !sIn) {
    errors.push(`expected two inputs, x [N,C,H,W] and sigma [N]; the model has ${ins.length}: ${ins.map(fmt).join(', ') || '(none)'}`)
  } else {
    if (!FLOATS.has(xIn.elemType)) errors.push(`input ${xIn.name} must be float, is ${xIn.elemType}`)
    if (!FLOATS.has(sIn.elemType)) errors.push(`input ${sIn.name} (sigma) must be float, is ${sIn.elemType}`)
    if (sIn.shape?.length === 0) errors.push(`input ${sIn.name} (sigma) must have shape [N], is a scalar`)
    const n0 = xIn.shape?.[0]
    const s0 = sIn.shape?.[0]
    if (typeof n0 === 'number' && typeof s0 === 'number' && n0 !== s0) errors.push(`batch dims differ: ${fmt(xIn)} vs ${fmt(sIn)}`)
  }
  if (model.outputs.length !== 1) {
    errors.push(`expected exactly one output; the model has ${model.outputs.length}: ${model.outputs.map(fmt).join(', ')}`)
  } else if (xIn) {
    const out = model.outputs[0] as ValueInfoIR
    if (out.shape) {
      const xs = xIn.shape ?? []
      // symbolic dims (exporters invent names like "Adddenoised_dim_1") are compatible with anything; the
      // Denoiser checks the actual output shape at run time
      const same = out.shape.length === xs.length && out.shape.every((d, i) => typeof d !== 'number' || typeof xs[i] !== 'number' || d === xs[i])
      if (!same) errors.push(`output ${fmt(out)} does not have the shape of ${fmt(xIn)}`)
    }
    if (out.elemType !== 'UNKNOWN' && out.elemType !== 'UNDEFINED' && !FLOATS.has(out.elemType)) errors.push(`output ${out.name} must be float, is ${out.elemType}`)
    if (sIn) io = { x: xIn.name, sigma: sIn.name, output: out.name, xShape: xIn.shape ?? [null, null, null, null] }
  }
  return { ok: errors.length === 0, errors, corrupt: false, unsupported, io, opset: model.opset, ops, model }
}
