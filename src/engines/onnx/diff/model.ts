// Parse an ONNX ModelProto (protobuf, via the `onnx-proto` library) into a small plain-data IR:
// nodes, attributes, initializers as host tensors, graph inputs/outputs with symbolic dims, opset.
// No Node-only APIs: takes bytes, returns data.
import onnxProto from 'onnx-proto'
import type { onnx as OnnxNs } from 'onnx-proto'

const { onnx } = onnxProto as unknown as { onnx: typeof OnnxNs }

/** Element types the engine computes with. int64 is narrowed to int32 (clamped), float16/double to float32. */
export type DType = 'float32' | 'int32' | 'bool'

export type HostData = Float32Array | Int32Array | Uint8Array

/** A tensor held on the host (initializer, folded constant). */
export interface HostTensor {
  readonly dtype: DType
  readonly shape: readonly number[]
  readonly data: HostData
}

export type AttrValue = number | string | number[] | string[] | HostTensor

export interface NodeIR {
  readonly name: string
  readonly opType: string
  readonly domain: string
  /** '' marks an omitted optional input. */
  readonly inputs: readonly string[]
  readonly outputs: readonly string[]
  readonly attrs: ReadonlyMap<string, AttrValue>
  /** Position in the graph, for messages. */
  readonly index: number
}

export interface ValueInfoIR {
  readonly name: string
  /** ONNX element type as a name (FLOAT, INT64, ...), or 'UNKNOWN'. */
  readonly elemType: string
  /** Each dim a number, a symbolic name, or null (unknown); null shape = unknown rank. */
  readonly shape: readonly (number | string | null)[] | null
}

export interface ModelIR {
  readonly irVersion: number
  readonly opset: number
  readonly producer: string
  readonly nodes: readonly NodeIR[]
  readonly initializers: ReadonlyMap<string, HostTensor>
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly ValueInfoIR[]
  readonly outputs: readonly ValueInfoIR[]
}

export class OnnxParseError extends Error {}

interface LongLike {
  low: number
  high: number
  unsigned?: boolean
}
type IntLike = number | LongLike | null | undefined

const I32_MAX = 2147483647
const I32_MIN = -2147483648

/** int64 (number or Long) → JS number, clamped into int32 range (INT64_MAX in Slice ends → INT32_MAX). */
export function toInt(v: IntLike): number {
  if (v === null || v === undefined) return 0
  if (typeof v === 'number') return Math.max(I32_MIN, Math.min(I32_MAX, v))
  const hi = v.high | 0
  const lo = v.low >>> 0
  let n: number
  if (v.unsigned) n = (hi >>> 0) * 4294967296 + lo
  else n = hi * 4294967296 + lo
  return Math.max(I32_MIN, Math.min(I32_MAX, n))
}

const ELEM_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING',
  9: 'BOOL', 10: 'FLOAT16', 11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16',
}
export function elemTypeName(t: number | null | undefined): string {
  return ELEM_NAMES[t ?? 0] ?? `TYPE${String(t)}`
}

/** ONNX element type number → engine dtype. */
export function dtypeOf(elemType: number): DType {
  switch (elemType) {
    case 1: case 10: case 11: case 16: return 'float32'
    case 9: return 'bool'
    case 2: case 3: case 4: case 5: case 6: case 7: case 12: case 13: return 'int32'
    default: throw new OnnxParseError(`unsupported tensor element type ${elemTypeName(elemType)}`)
  }
}

function halfToFloat(h: number): number {
  const s = (h & 0x8000) ? -1 : 1
  const e = (h >> 10) & 0x1f
  const f = h & 0x3ff
  if (e === 0) return s * 2 ** -14 * (f / 1024)
  if (e === 31) return f ? NaN : s * Infinity
  return s * 2 ** (e - 15) * (1 + f / 1024)
}

/** Decode a TensorProto (raw_data or typed fields) into a HostTensor. */
export function decodeTensor(t: OnnxNs.ITensorProto): HostTensor {
  const elemType = t.dataType ?? 0
  const dtype = dtypeOf(elemType)
  const shape = (t.dims ?? []).map((d) => toInt(d as IntLike))
  const size = shape.reduce((a, b) => a * b, 1)
  if (t.dataLocation === 1) throw new OnnxParseError(`tensor ${t.name ?? ''} uses external data, which is not supported`)
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null
  const out: HostData = dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size)
  if (raw) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
    const need = (bytes: number): void => {
      if (raw.byteLength < size * bytes) throw new OnnxParseError(`tensor ${t.name ?? ''}: raw_data has ${raw.byteLength} bytes, expected ${size * bytes}`)
    }
    for (let i = 0; i < size; i++) {
      switch (elemType) {
        case 1: if (i === 0) need(4); out[i] = dv.getFloat32(i * 4, true); break
        case 11: if (i === 0) need(8); out[i] = dv.getFloat64(i * 8, true); break
        case 10: if (i === 0) need(2); out[i] = halfToFloat(dv.getUint16(i * 2, true)); break
        case 16: if (i === 0) need(2); { const b = new DataView(new ArrayBuffer(4)); b.setUint16(0, dv.getUint16(i * 2, true), false); b.setUint16(2, 0); out[i] = b.getFloat32(0, false) } break
        case 6: if (i === 0) need(4); out[i] = dv.getInt32(i * 4, true); break
        case 12: if (i === 0) need(4); out[i] = Math.min(I32_MAX, dv.getUint32(i * 4, true)); break
        case 7: case 13: if (i === 0) need(8); out[i] = toInt({ low: dv.getUint32(i * 8, true), high: dv.getInt32(i * 8 + 4, true), unsigned: elemType === 13 }); break
        case 2: case 9: if (i === 0) need(1); out[i] = dv.getUint8(i); break
        case 3: if (i === 0) need(1); out[i] = dv.getInt8(i); break
        case 4: if (i === 0) need(2); out[i] = dv.getUint16(i * 2, true); break
        case 5: if (i === 0) need(2); out[i] = dv.getInt16(i * 2, true); break
        default: throw new OnnxParseError(`tensor ${t.name ?? ''}: unsupported element type ${elemTypeName(elemType)}`)
      }
    }
  } else {
    let src: ArrayLike<IntLike>
    if (elemType === 1) src = t.floatData ?? []
    else if (elemType === 11) src = t.doubleData ?? []
    else if (elemType === 7) src = (t.int64Data ?? []) as IntLike[]
    else if (elemType === 13 || elemType === 12) src = (t.uint64Data ?? []) as IntLike[]
    else src = t.int32Data ?? [] // int32, int16, int8, uint8, uint16, bool, float16/bfloat16 (as bits)
    if (size > 0 && src.length !== size) {
      throw new OnnxParseError(`tensor ${t.name ?? ''}: has ${src.length} values, expected ${size} for shape [${shape.join(',')}]`)
    }
    for (let i = 0; i < size; i++) {
      const v = src[i]
      if (elemType === 10) out[i] = halfToFloat(toInt(v))
      else if (dtype === 'float32') out[i] = typeof v === 'number' ? v : toInt(v)
      else out[i] = toInt(v)
    }
  }
  return { dtype, shape, data: out }
}

function decodeAttr(a: OnnxNs.IAttributeProto): AttrValue | undefined {
  const dec = new TextDecoder()
  switch (a.type ?? 0) {
    case 1: return a.f ?? 0
    case 2: return toInt(a.i as IntLike)
    case 3: return a.s ? dec.decode(a.s) : ''
    case 4: return a.t ? decodeTensor(a.t) : undefined
    case 6: return [...(a.floats ?? [])]
    case 7: return (a.ints ?? []).map((v) => toInt(v as IntLike))
    case 8: return (a.strings ?? []).map((s) => dec.decode(s))
    default: return undefined // graphs, sparse tensors, type protos: not used by supported ops
  }
}

function valueInfo(v: OnnxNs.IValueInfoProto): ValueInfoIR {
  const tt = v.type?.tensorType
  const dims = tt?.shape?.dim
  return {
    name: v.name ?? '',
    elemType: elemTypeName(tt?.elemType),
    shape: tt?.shape ? (dims ?? []).map((d) => (d.dimValue !== null && d.dimValue !== undefined ? toInt(d.dimValue as IntLike) : d.dimParam ? d.dimParam : null)) : null,
  }
}

/** Parse ONNX bytes. Throws OnnxParseError with a readable message on a corrupt or unusable file. */
export function parseModel(bytes: Uint8Array): ModelIR {
  let m: OnnxNs.ModelProto
  try {
    m = onnx.ModelProto.decode(bytes)
  } catch (err) {
    throw new OnnxParseError(`not a valid ONNX file (protobuf decode failed: ${err instanceof Error ? err.message : String(err)})`)
  }
  const g = m.graph
  if (!g || !g.node || (g.node.length === 0 && (g.output ?? []).length === 0)) {
    throw new OnnxParseError('not a valid ONNX file (no graph)')
  }
  let opset = 0
  for (const o of m.opsetImport ?? []) {
    if (!o.domain || o.domain === 'ai.onnx') opset = toInt(o.version as IntLike)
  }
  if (opset === 0) opset = 1
  const initializers = new Map<string, HostTensor>()
  for (const t of g.initializer ?? []) initializers.set(t.name ?? '', decodeTensor(t))
  const nodes: NodeIR[] = g.node.map((n, index) => {
    const attrs = new Map<string, AttrValue>()
    for (const a of n.attribute ?? []) {
      const v = decodeAttr(a)
      if (v !== undefined) attrs.set(a.name ?? '', v)
    }
    return {
      name: n.name || `${n.opType ?? '?'}_${index}`,
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attrs,
      index,
    }
  })
  return {
    irVersion: toInt(m.irVersion as IntLike),
    opset,
    producer: `${m.producerName ?? ''} ${m.producerVersion ?? ''}`.trim(),
    nodes,
    initializers,
    inputs: (g.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(valueInfo),
    outputs: (g.output ?? []).map(valueInfo),
  }
}
