// Source-to-source reverse-mode AD for ONNX: from a denoiser graph D(x, σ) emit two ONNX models that onnxruntime
// runs natively —
//   forward:  the original graph, plus as extra outputs the activations (and dynamic shapes) the backward needs;
//   backward: inputs = those saved values + the cotangent v of D's output; output = Jᵀv w.r.t. x only
//             (σ and the weights are constants: no weight gradients).
// Shapes and constant values come from a probe: the original graph run by onnxruntime at two batch sizes with every
// intermediate value exposed as an output. A value that no graph input reaches is a constant (its probed value is
// embedded in the backward graph: this folds Shape→Gather→Concat chains too); a dim that differs between the two
// probes is batch-dependent (symbolic in the emitted graphs). The backward rules read attributes through the parsed
// IR (../diff/model.ts). An op on the path from x with no rule here is an OrtVjpUnsupportedError naming it.
import onnxProto from 'onnx-proto'
import type { onnx as OnnxNs } from 'onnx-proto'
import { type AttrValue, type ModelIR, type NodeIR, parseModel } from '../diff/model'
import { nearestIndex, sourceCoord } from '../diff/ops/resize'

const { onnx } = onnxProto as unknown as { onnx: typeof OnnxNs }

/** One probed value: element type (onnxruntime's name: float32, int64, bool, ...), dims, values as numbers. */
export interface ProbedValue {
  readonly type: string
  readonly dims: readonly number[]
  readonly values: ArrayLike<number>
}
/** The original graph's every value at one batch size. */
export type Probe = ReadonlyMap<string, ProbedValue>

export class OrtVjpUnsupportedError extends Error {
  constructor(readonly ops: readonly string[], message: string) {
    super(message)
  }
}

/** Bump whenever the emitted graphs change for the same input model: cached graphs of other versions are ignored. */
export const TRANSFORM_VERSION = 1

export interface VjpModels {
  /** The original graph with the saved values as extra outputs (first output: D's output, as in the original). */
  readonly forward: Uint8Array
  /** Inputs: `saved` (in order) then `cotangent`; one output, `gradient`. */
  readonly backward: Uint8Array
  readonly saved: readonly string[]
  readonly cotangent: string
  readonly gradient: string
  readonly output: string
  /** Nodes in the forward graph / active (differentiated) / emitted backward nodes. */
  readonly stats: { readonly nodes: number; readonly active: number; readonly backwardNodes: number; readonly savedValues: number }
}

/** The graph with every node output exposed as a graph output (for the probe). */
export function probeModel(bytes: Uint8Array): Uint8Array {
  const m = onnx.ModelProto.decode(bytes)
  const g = m.graph as OnnxNs.GraphProto
  const have = new Set((g.output ?? []).map((o) => o.name ?? ''))
  for (const n of g.node ?? []) {
    for (const o of n.output ?? []) {
      if (o && !have.has(o)) {
        have.add(o)
        g.output.push(onnx.ValueInfoProto.create({ name: o }))
      }
    }
  }
  return onnx.ModelProto.encode(m).finish()
}

const ELEM: Record<string, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11 }

type AttrSpec = { ints: number[] } | { int: number } | { float: number } | { string: string }

function attrProto(name: string, a: AttrSpec): OnnxNs.AttributeProto {
  if ('ints' in a) return onnx.AttributeProto.create({ name, type: 7, ints: a.ints })
  if ('int' in a) return onnx.AttributeProto.create({ name, type: 2, i: a.int })
  if ('float' in a) return onnx.AttributeProto.create({ name, type: 1, f: a.float })
  return onnx.AttributeProto.create({ name, type: 3, s: new TextEncoder().encode(a.string) })
}

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1)

/** Reverse-mode transform. `probes` are the original graph's values at two different batch sizes. */
export function buildVjpModels(bytes: Uint8Array, xName: string, probes: readonly [Probe, Probe]): VjpModels {
  const ir = parseModel(bytes)
  const proto = onnx.ModelProto.decode(bytes)
  const graph = proto.graph as OnnxNs.GraphProto
  const initProtos = new Map<string, OnnxNs.ITensorProto>((graph.initializer ?? []).map((t) => [t.name ?? '', t]))
  const [pa, pb] = probes
  const outName = ir.outputs[0]?.name
  if (!outName) throw new OrtVjpUnsupportedError([], 'the model has no output')
  return new Transform(ir, initProtos, xName, outName, pa, pb).run(proto)
}

class Transform {
  private readonly producer = new Map<string, NodeIR>()
  /** Values some graph input reaches (the rest are constants). */
  private readonly dynamic = new Set<string>()
  /** Float values x reaches (these get cotangents). */
  private readonly active = new Set<string>()
  private readonly nodes: OnnxNs.NodeProto[] = []
  private readonly inits: OnnxNs.ITensorProto[] = []
  private readonly initNames = new Set<string>()
  private readonly saved = new Map<string, string>() // forward value → backward input name (the same name)
  private readonly savedShapes = new Map<string, string>() // forward value → name of its Shape output
  private readonly grads = new Map<string, string[]>()
  private counter = 0
  /** Probe entries for values this transform adds to the forward graph (saved shapes). */
  private readonly extra = new Map<string, ProbedValue>()

  constructor(
    private readonly ir: ModelIR,
    private readonly initProtos: ReadonlyMap<string, OnnxNs.ITensorProto>,
    private readonly x: string,
    private readonly out: string,
    private readonly pa: Probe,
    private readonly pb: Probe,
  ) {
    for (const n of ir.nodes) for (const o of n.outputs) if (o) this.producer.set(o, n)
    for (const i of ir.inputs) this.dynamic.add(i.name)
    this.active.add(x)
    for (const n of ir.nodes) {
      if (n.inputs.some((i) => i && this.dynamic.has(i))) n.outputs.forEach((o) => o && this.dynamic.add(o))
      if (n.opType === 'Shape' || n.opType === 'Size') continue
      if (n.inputs.some((i) => i && this.active.has(i))) {
        for (const o of n.outputs) if (o && this.probed(o).type === 'float32') this.active.add(o)
      }
    }
  }

  run(proto: OnnxNs.ModelProto): VjpModels {
    if (!this.active.has(this.out)) throw new OrtVjpUnsupportedError([], `the output ${this.out} does not depend on ${this.x}`)
    // which active nodes lie on a path to the output
    const toOut = new Set<string>([this.out])
    const activeNodes: NodeIR[] = []
    for (let i = this.ir.nodes.length - 1; i >= 0; i--) {
      const n = this.ir.nodes[i] as NodeIR
      if (!n.outputs.some((o) => toOut.has(o))) continue
      n.inputs.forEach((v) => v && toOut.add(v))
      if (n.inputs.some((v) => v && this.active.has(v)) && n.outputs.some((o) => o && this.active.has(o))) activeNodes.push(n)
    }
    const missing = [...new Set(activeNodes.filter((n) => !RULES[n.opType] || n.domain !== '').map((n) => `${n.domain ? `${n.domain}.` : ''}${n.opType}`))]
    if (missing.length > 0) {
      throw new OrtVjpUnsupportedError(missing, `no ONNX backward rule for ${missing.join(', ')} (on the path from ${this.x}); use the tfjs executor for this model`)
    }
    const cotangent = '__vjp_cotangent'
    const gradient = '__vjp_gradient'
    this.grads.set(this.out, [cotangent])
    for (const n of activeNodes) { // reverse graph order
      const gy = n.outputs.map((o) => (o ? this.takeGrad(o) : null))
      if (gy.every((g) => g === null)) continue
      const rule = RULES[n.opType] as Rule
      try {
        rule(n, gy, this)
      } catch (err) {
        if (err instanceof OrtVjpUnsupportedError) throw err
        throw new OrtVjpUnsupportedError([n.opType], `node ${n.name} (${n.opType}): ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    const gx = this.takeGrad(this.x)
    if (gx === null) throw new OrtVjpUnsupportedError([], `no gradient reaches ${this.x}`)
    this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [gx], output: [gradient], name: 'vjp_out' }))

    // forward: original + Shape nodes + extra outputs
    const g = proto.graph as OnnxNs.GraphProto
    for (const [v, s] of this.savedShapes) g.node.push(onnx.NodeProto.create({ opType: 'Shape', input: [v], output: [s], name: `vjp_shape_${s}` }))
    const savedList = [...this.saved.keys()]
    const outs = new Set((g.output ?? []).map((o) => o.name ?? ''))
    for (const s of savedList) if (!outs.has(s)) g.output.push(this.valueInfo(s, false))
    const forward = onnx.ModelProto.encode(proto).finish()

    const vi = [...savedList.map((s) => this.valueInfo(s, true)), this.valueInfo(this.out, true, cotangent)]
    const bwd = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'tweedie-ortvjp',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'vjp',
        node: this.nodes,
        initializer: this.inits,
        input: vi,
        output: [onnx.ValueInfoProto.create({ name: gradient, type: { tensorType: { elemType: 1, shape: this.shapeProto(this.x) } } })],
      },
    })
    return {
      forward,
      backward: onnx.ModelProto.encode(bwd).finish(),
      saved: savedList,
      cotangent,
      gradient,
      output: this.out,
      stats: { nodes: this.ir.nodes.length, active: activeNodes.length, backwardNodes: this.nodes.length, savedValues: savedList.length },
    }
  }

  // ---- probes -----------------------------------------------------------------------------------------------

  probed(v: string): ProbedValue {
    const p = this.pb.get(v) ?? this.extra.get(v)
    if (p) return p
    const h = this.ir.initializers.get(v)
    if (h) return { type: h.dtype === 'float32' ? 'float32' : h.dtype === 'bool' ? 'bool' : 'int64', dims: h.shape, values: h.data }
    throw new Error(`value ${v} was not probed`)
  }

  /** Dims at the second probe batch (the one used for broadcasting decisions). */
  dims(v: string): number[] {
    return [...this.probed(v).dims]
  }

  /** Per dim: true when it is the same at both probe batches. */
  staticDims(v: string): boolean[] {
    const b = this.probed(v).dims
    const a = this.pa.get(v)?.dims ?? b
    return b.map((d, i) => a[i] === d)
  }

  isActive(v: string): boolean {
    return v !== '' && this.active.has(v)
  }

  /** The constant values of an input (a value no graph input reaches), else an error. */
  constValues(v: string, what: string): number[] {
    if (this.dynamic.has(v)) throw new Error(`${what} must be constant`)
    return Array.from(this.probed(v).values)
  }

  private shapeProto(v: string): OnnxNs.ITensorShapeProto {
    const st = this.staticDims(v)
    return { dim: this.dims(v).map((d, i) => (st[i] ? { dimValue: d } : { dimParam: `${v}_d${i}` })) }
  }

  private valueInfo(v: string, withShape: boolean, as?: string): OnnxNs.ValueInfoProto {
    const elemType = ELEM[this.probed(v).type]
    if (!elemType) throw new Error(`value ${v} has element type ${this.probed(v).type}`)
    return onnx.ValueInfoProto.create({ name: as ?? v, type: { tensorType: withShape ? { elemType, shape: this.shapeProto(v) } : { elemType } } })
  }

  // ---- emitting ---------------------------------------------------------------------------------------------

  fresh(hint: string): string {
    return `__vjp_${hint}_${this.counter++}`
  }

  node(op: string, inputs: readonly string[], attrs: Record<string, AttrSpec> = {}): string {
    const out = this.fresh(op.toLowerCase())
    this.nodes.push(onnx.NodeProto.create({ opType: op, input: [...inputs], output: [out], name: out, attribute: Object.entries(attrs).map(([k, a]) => attrProto(k, a)) }))
    return out
  }

  constI64(values: readonly number[], scalar = false): string {
    const name = this.fresh('i64')
    this.inits.push({ name, dataType: 7, dims: scalar ? [] : [values.length], int64Data: [...values] })
    return name
  }

  addInit(tp: OnnxNs.ITensorProto): void {
    this.inits.push(tp)
  }

  constF(value: number): string {
    const name = this.fresh('f')
    this.inits.push({ name, dataType: 1, dims: [], floatData: [value] })
    return name
  }

  /** A forward value, as seen in the backward graph: a copied initializer, an embedded constant, or a saved value. */
  fwd(v: string): string {
    if (this.initNames.has(v) || this.saved.has(v)) return v
    const init = this.initProtos.get(v)
    if (init) {
      this.inits.push(init)
      this.initNames.add(v)
      return v
    }
    if (!this.dynamic.has(v)) {
      const p = this.probed(v)
      const dims = [...p.dims]
      if (p.type === 'float32') this.inits.push({ name: v, dataType: 1, dims, floatData: Array.from(p.values) })
      else if (p.type === 'int64') this.inits.push({ name: v, dataType: 7, dims, int64Data: Array.from(p.values) })
      else throw new Error(`constant ${v} of type ${p.type} is needed by the backward`)
      this.initNames.add(v)
      return v
    }
    this.saved.set(v, v)
    return v
  }

  /** Shape(v) in the backward graph: a constant when static, else saved from the forward. */
  shapeOf(v: string): string {
    if (this.staticDims(v).every(Boolean)) return this.constI64(this.dims(v))
    let s = this.savedShapes.get(v)
    if (!s) {
      s = `__vjp_shape_of_${this.savedShapes.size}`
      const r = this.dims(v).length
      this.extra.set(s, { type: 'int64', dims: [r], values: this.dims(v) })
      this.savedShapes.set(v, s)
      this.saved.set(s, s)
    }
    return s
  }

  acc(v: string, g: string): void {
    if (!this.isActive(v)) return
    const list = this.grads.get(v)
    if (list) list.push(g)
    else this.grads.set(v, [g])
  }

  private takeGrad(v: string): string | null {
    const list = this.grads.get(v)
    if (!list || list.length === 0) return null
    this.grads.delete(v)
    if (list.length === 1) return list[0] as string
    return this.node('Sum', list)
  }

  /** Fold a cotangent with `from`'s (broadcast) shape back to `to`'s shape (ONNX multidirectional broadcasting). */
  unbroadcast(g: string, from: string, to: string): string {
    const fd = this.dims(from)
    const td = this.dims(to)
    const lead = fd.length - td.length
    const axes: number[] = []
    for (let i = 0; i < fd.length; i++) {
      if (i < lead) axes.push(i)
      else if (td[i - lead] === 1 && fd[i] !== 1) axes.push(i)
    }
    if (axes.length === 0) return g
    const s = this.node('ReduceSum', [g, this.constI64(axes)], { keepdims: { int: 1 } })
    return lead > 0 ? this.node('Reshape', [s, this.shapeOf(to)]) : s
  }

  attr(n: NodeIR, k: string): AttrValue | undefined {
    return n.attrs.get(k)
  }

  int(n: NodeIR, k: string, def: number): number {
    const v = n.attrs.get(k)
    return typeof v === 'number' ? Math.trunc(v) : def
  }

  float(n: NodeIR, k: string, def: number): number {
    const v = n.attrs.get(k)
    return typeof v === 'number' ? v : def
  }

  ints(n: NodeIR, k: string): number[] | null {
    const v = n.attrs.get(k)
    return Array.isArray(v) ? v.map(Number) : null
  }

  str(n: NodeIR, k: string, def: string): string {
    const v = n.attrs.get(k)
    return typeof v === 'string' ? v : def
  }

  get opset(): number {
    return this.ir.opset
  }
}

type Rule = (n: NodeIR, gy: readonly (string | null)[], t: Transform) => void

const in0 = (n: NodeIR): string => n.inputs[0] ?? ''
const out0 = (n: NodeIR): string => n.outputs[0] ?? ''

function unary(f: (g: string, n: NodeIR, t: Transform) => string): Rule {
  return (n, gy, t) => {
    const g = gy[0]
    if (g && t.isActive(in0(n))) t.acc(in0(n), f(g, n, t))
  }
}

/** Transpose of the last two axes of a rank-r value. */
function swapLast(t: Transform, v: string, r: number): string {
  const perm = Array.from({ length: r }, (_, i) => i)
  perm[r - 1] = r - 2
  perm[r - 2] = r - 1
  return t.node('Transpose', [v], { perm: { ints: perm } })
}

function reduceAxes(n: NodeIR, t: Transform, r: number, axesFromInput: boolean): number[] {
  let axes: number[] | null
  if (axesFromInput) {
    const a = n.inputs[1]
    axes = a ? t.constValues(a, 'axes') : null
  } else axes = t.ints(n, 'axes')
  if (!axes || axes.length === 0) {
    if (t.int(n, 'noop_with_empty_axes', 0) === 1) return []
    return Array.from({ length: r }, (_, i) => i)
  }
  return axes.map((a) => (a < 0 ? a + r : a)).sort((a, b) => a - b)
}

/** Broadcast a reduction's cotangent back over the reduced axes. */
function unreduce(n: NodeIR, g: string, t: Transform, axes: number[]): string {
  const x = in0(n)
  const keep = t.int(n, 'keepdims', 1) === 1
  const gk = keep || axes.length === 0 ? g : t.node('Unsqueeze', [g, t.constI64(axes)])
  return t.node('Expand', [gk, t.shapeOf(x)])
}

function convPads(n: NodeIR, t: Transform, inDims: number[], k: number[], s: number[], d: number[]): number[] {
  const nsp = k.length
  const autoPad = t.str(n, 'auto_pad', 'NOTSET')
  if (autoPad === 'NOTSET') return t.ints(n, 'pads') ?? new Array<number>(2 * nsp).fill(0)
  if (autoPad === 'VALID') return new Array<number>(2 * nsp).fill(0)
  const pads = new Array<number>(2 * nsp).fill(0)
  for (let i = 0; i < nsp; i++) {
    const inLen = inDims[i + 2] as number
    const outLen = Math.ceil(inLen / (s[i] as number))
    const total = Math.max(0, (outLen - 1) * (s[i] as number) + ((k[i] as number) - 1) * (d[i] as number) + 1 - inLen)
    const small = Math.floor(total / 2)
    pads[i] = autoPad === 'SAME_LOWER' ? total - small : small
    pads[i + nsp] = total - (pads[i] as number)
  }
  return pads
}

const RULES: Record<string, Rule> = {
  Identity: unary((g) => g),
  Dropout: unary((g) => g),
  Neg: unary((g, _n, t) => t.node('Neg', [g])),
  Add: (n, gy, t) => {
    const g = gy[0] as string
    for (const a of n.inputs) if (t.isActive(a)) t.acc(a, t.unbroadcast(g, out0(n), a))
  },
  Sub: (n, gy, t) => {
    const g = gy[0] as string
    const [a, b] = n.inputs as [string, string]
    if (t.isActive(a)) t.acc(a, t.unbroadcast(g, out0(n), a))
    if (t.isActive(b)) t.acc(b, t.unbroadcast(t.node('Neg', [g]), out0(n), b))
  },
  Mul: (n, gy, t) => {
    const g = gy[0] as string
    const [a, b] = n.inputs as [string, string]
    if (t.isActive(a)) t.acc(a, t.unbroadcast(t.node('Mul', [g, t.fwd(b)]), out0(n), a))
    if (t.isActive(b)) t.acc(b, t.unbroadcast(t.node('Mul', [g, t.fwd(a)]), out0(n), b))
  },
  Div: (n, gy, t) => {
    const g = gy[0] as string
    const [a, b] = n.inputs as [string, string]
    if (t.isActive(a)) t.acc(a, t.unbroadcast(t.node('Div', [g, t.fwd(b)]), out0(n), a))
    if (t.isActive(b)) t.acc(b, t.unbroadcast(t.node('Neg', [t.node('Div', [t.node('Mul', [g, t.fwd(out0(n))]), t.fwd(b)])]), out0(n), b))
  },
  Sqrt: unary((g, n, t) => t.node('Div', [t.node('Mul', [g, t.constF(0.5)]), t.fwd(out0(n))])),
  Log: unary((g, n, t) => t.node('Div', [g, t.fwd(in0(n))])),
  Exp: unary((g, n, t) => t.node('Mul', [g, t.fwd(out0(n))])),
  Sin: unary((g, n, t) => t.node('Mul', [g, t.node('Cos', [t.fwd(in0(n))])])),
  Cos: unary((g, n, t) => t.node('Neg', [t.node('Mul', [g, t.node('Sin', [t.fwd(in0(n))])])])),
  Sigmoid: unary((g, n, t) => {
    const y = t.fwd(out0(n))
    const gyy = t.node('Mul', [g, y])
    return t.node('Sub', [gyy, t.node('Mul', [gyy, y])])
  }),
  Tanh: unary((g, n, t) => {
    const y = t.fwd(out0(n))
    return t.node('Sub', [g, t.node('Mul', [g, t.node('Mul', [y, y])])])
  }),
  Relu: unary((g, n, t) => t.node('Where', [t.node('Greater', [t.fwd(out0(n)), t.constF(0)]), g, t.constF(0)])),
  Reshape: unary((g, n, t) => t.node('Reshape', [g, t.shapeOf(in0(n))])),
  Flatten: unary((g, n, t) => t.node('Reshape', [g, t.shapeOf(in0(n))])),
  Squeeze: unary((g, n, t) => t.node('Reshape', [g, t.shapeOf(in0(n))])),
  Unsqueeze: unary((g, n, t) => t.node('Reshape', [g, t.shapeOf(in0(n))])),
  Transpose: unary((g, n, t) => {
    const r = t.dims(in0(n)).length
    const perm = t.ints(n, 'perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i)
    const inv = new Array<number>(r)
    perm.forEach((p, i) => { inv[p] = i })
    return t.node('Transpose', [g], { perm: { ints: inv } })
  }),
  Softmax: unary((g, n, t) => {
    const r = t.dims(in0(n)).length
    let axis = t.int(n, 'axis', t.opset >= 13 ? -1 : 1)
    if (axis < 0) axis += r
    if (t.opset < 13 && axis !== r - 1) throw new Error(`Softmax (opset ${t.opset}) with axis ${axis} of a rank-${r} input is not supported`)
    const y = t.fwd(out0(n))
    const p = t.node('Mul', [g, y])
    const s = t.node('ReduceSum', [p, t.constI64([axis])], { keepdims: { int: 1 } })
    return t.node('Sub', [p, t.node('Mul', [y, s])])
  }),
  ReduceMean: unary((g, n, t) => {
    const x = in0(n)
    const r = t.dims(x).length
    const axes = reduceAxes(n, t, r, t.opset >= 18)
    const st = t.staticDims(x)
    if (axes.some((a) => !st[a])) throw new Error('ReduceMean over a batch-dependent axis is not supported')
    const count = prod(axes.map((a) => t.dims(x)[a] as number))
    return t.node('Mul', [unreduce(n, g, t, axes), t.constF(1 / count)])
  }),
  ReduceSum: unary((g, n, t) => unreduce(n, g, t, reduceAxes(n, t, t.dims(in0(n)).length, t.opset >= 13))),
  Concat: (n, gy, t) => {
    const g = gy[0] as string
    const r = t.dims(out0(n)).length
    let axis = t.int(n, 'axis', 0)
    if (axis < 0) axis += r
    let off = 0
    for (const a of n.inputs) {
      if (!a) continue
      if (!t.staticDims(a)[axis]) throw new Error('Concat along a batch-dependent axis is not supported')
      const len = t.dims(a)[axis] as number
      if (t.isActive(a)) t.acc(a, t.node('Slice', [g, t.constI64([off]), t.constI64([off + len]), t.constI64([axis])]))
      off += len
    }
  },
  Slice: unary((g, n, t) => {
    const x = in0(n)
    const dims = t.dims(x)
    const st = t.staticDims(x)
    const r = dims.length
    let starts: number[]
    let ends: number[]
    let axes: number[]
    let steps: number[]
    if (t.opset < 10) {
      starts = t.ints(n, 'starts') ?? []
      ends = t.ints(n, 'ends') ?? []
      axes = t.ints(n, 'axes') ?? starts.map((_, i) => i)
      steps = starts.map(() => 1)
    } else {
      starts = t.constValues(n.inputs[1] ?? '', 'Slice starts')
      ends = t.constValues(n.inputs[2] ?? '', 'Slice ends')
      axes = n.inputs[3] ? t.constValues(n.inputs[3], 'Slice axes') : starts.map((_, i) => i)
      steps = n.inputs[4] ? t.constValues(n.inputs[4], 'Slice steps') : starts.map(() => 1)
    }
    const pads = new Array<number>(2 * r).fill(0)
    axes.forEach((a0, i) => {
      const a = a0 < 0 ? a0 + r : a0
      const step = steps[i] ?? 1
      if (step !== 1) throw new Error(`Slice with step ${step} is not supported`)
      if (!st[a]) throw new Error('Slice along a batch-dependent axis is not supported')
      const d = dims[a] as number
      const clamp = (v: number): number => Math.max(0, Math.min(d, v < 0 ? v + d : v))
      const s = clamp(starts[i] ?? 0)
      const e = Math.max(s, clamp(ends[i] ?? d))
      pads[a] = s
      pads[a + r] = d - e
    })
    return t.node('Pad', [g, t.constI64(pads)], { mode: { string: 'constant' } })
  }),
  Conv: (n, gy, t) => {
    const g = gy[0] as string
    const [x, w, b] = n.inputs as [string, string, string | undefined]
    if (t.isActive(w) || (b && t.isActive(b))) throw new Error('Conv with input-dependent weights or bias is not supported')
    if (!t.isActive(x)) return
    const inDims = t.dims(x)
    const wDims = t.dims(w)
    const nsp = inDims.length - 2
    const k = t.ints(n, 'kernel_shape') ?? wDims.slice(2)
    const s = t.ints(n, 'strides') ?? new Array<number>(nsp).fill(1)
    const d = t.ints(n, 'dilations') ?? new Array<number>(nsp).fill(1)
    if (!t.staticDims(x).slice(2).every(Boolean)) throw new Error('Conv with batch-dependent spatial dims is not supported')
    const pads = convPads(n, t, inDims, k, s, d)
    const outDims = t.dims(out0(n))
    const outPad = k.map((ki, i) => (inDims[i + 2] as number) - (((outDims[i + 2] as number) - 1) * (s[i] as number) + (ki - 1) * (d[i] as number) + 1 - (pads[i] as number) - (pads[i + nsp] as number)))
    t.acc(x, t.node('ConvTranspose', [g, t.fwd(w)], {
      strides: { ints: s }, dilations: { ints: d }, pads: { ints: pads }, group: { int: t.int(n, 'group', 1) },
      kernel_shape: { ints: k }, output_padding: { ints: outPad },
    }))
  },
  ConvTranspose: (n, gy, t) => {
    const g = gy[0] as string
    const [x, w, b] = n.inputs as [string, string, string | undefined]
    if (t.isActive(w) || (b && t.isActive(b))) throw new Error('ConvTranspose with input-dependent weights or bias is not supported')
    if (!t.isActive(x)) return
    if (t.str(n, 'auto_pad', 'NOTSET') !== 'NOTSET' || t.ints(n, 'output_shape')) throw new Error('ConvTranspose with auto_pad or output_shape is not supported')
    const nsp = t.dims(x).length - 2
    const k = t.ints(n, 'kernel_shape') ?? t.dims(w).slice(2)
    t.acc(x, t.node('Conv', [g, t.fwd(w)], {
      strides: { ints: t.ints(n, 'strides') ?? new Array<number>(nsp).fill(1) },
      dilations: { ints: t.ints(n, 'dilations') ?? new Array<number>(nsp).fill(1) },
      pads: { ints: t.ints(n, 'pads') ?? new Array<number>(2 * nsp).fill(0) },
      group: { int: t.int(n, 'group', 1) }, kernel_shape: { ints: k },
    }))
  },
  Gemm: (n, gy, t) => {
    const g = gy[0] as string
    const [a, b, c] = n.inputs as [string, string, string | undefined]
    const alpha = t.float(n, 'alpha', 1)
    const beta = t.float(n, 'beta', 1)
    const tA = t.int(n, 'transA', 0)
    const tB = t.int(n, 'transB', 0)
    const gemm = (p: string, q: string, ta: number, tb: number): string => t.node('Gemm', [p, q], { alpha: { float: alpha }, transA: { int: ta }, transB: { int: tb } })
    if (t.isActive(a)) t.acc(a, tA === 0 ? gemm(g, t.fwd(b), 0, tB === 0 ? 1 : 0) : gemm(t.fwd(b), g, tB, 1))
    if (t.isActive(b)) t.acc(b, tB === 0 ? gemm(t.fwd(a), g, tA === 0 ? 1 : 0, 0) : gemm(g, t.fwd(a), 1, tA))
    if (c && t.isActive(c)) t.acc(c, t.unbroadcast(beta === 1 ? g : t.node('Mul', [g, t.constF(beta)]), out0(n), c))
  },
  MatMul: (n, gy, t) => {
    const g = gy[0] as string
    const [a, b] = n.inputs as [string, string]
    const ra = t.dims(a).length
    const rb = t.dims(b).length
    if (ra < 2 || rb < 2) throw new Error('MatMul with a 1-D operand is not supported')
    if (t.isActive(a)) t.acc(a, t.unbroadcast(t.node('MatMul', [g, swapLast(t, t.fwd(b), rb)]), out0(n), a))
    if (t.isActive(b)) t.acc(b, t.unbroadcast(t.node('MatMul', [swapLast(t, t.fwd(a), ra), g]), out0(n), b))
  },
  Resize: unary((g, n, t) => resizeBackward(g, n, t)),
  Upsample: unary((g, n, t) => {
    if (t.opset < 9) throw new Error('Upsample before opset 9 (scales as an attribute) is not supported')
    return resizeBackward(g, n, t)
  }),
}

/** Resize (nearest or linear, any coordinate mode): per axis a linear map M (out × in); the adjoint is Mᵀ. */
function resizeBackward(g: string, n: NodeIR, t: Transform): string {
  const x = in0(n)
  const inDims = t.dims(x)
  const outDims = t.dims(out0(n))
  const st = t.staticDims(x)
  const r = inDims.length
  const modeRaw = t.str(n, 'mode', 'nearest')
  const mode = modeRaw === 'bilinear' || modeRaw === 'trilinear' ? 'linear' : modeRaw
  if (mode !== 'nearest' && mode !== 'linear') throw new Error(`Resize mode ${modeRaw} is not supported`)
  if (t.int(n, 'antialias', 0) === 1) throw new Error('Resize antialias=1 is not supported')
  if (t.opset >= 18 && t.ints(n, 'axes')) throw new Error('Resize with the axes attribute is not supported')
  const legacy = t.opset < 11 || n.opType === 'Upsample'
  const coord = legacy ? 'asymmetric' : t.str(n, 'coordinate_transformation_mode', 'half_pixel')
  const nearest = legacy ? 'floor' : t.str(n, 'nearest_mode', 'round_prefer_floor')
  let scales: number[] | null = null
  if (legacy) scales = t.constValues(n.inputs[1] ?? '', 'Resize scales')
  else if (n.inputs[2]) {
    const s = t.constValues(n.inputs[2], 'Resize scales')
    if (s.length > 0) scales = s
  }
  // axes that change, with the per-axis scale as the op uses it
  const changed: { axis: number; scale: number; inLen: number; outLen: number }[] = []
  for (let a = 0; a < r; a++) {
    const inLen = inDims[a] as number
    const outLen = outDims[a] as number
    const scale = scales ? (scales[a] ?? 1) : outLen / inLen
    if (inLen === outLen && scale === 1) continue
    if (!st[a]) throw new Error('Resize along a batch-dependent axis is not supported')
    changed.push({ axis: a, scale, inLen, outLen })
  }
  if (changed.length === 0) return g
  const maps = changed.map(({ scale, inLen, outLen }) => {
    const m = new Float32Array(outLen * inLen)
    for (let o = 0; o < outLen; o++) {
      if (mode === 'nearest') {
        const i = Math.max(0, Math.min(inLen - 1, nearestIndex(nearest, sourceCoord(coord, o, scale, inLen, outLen))))
        m[o * inLen + i] = 1
      } else {
        const s = Math.max(0, Math.min(inLen - 1, sourceCoord(coord, o, scale, inLen, outLen)))
        const f = Math.floor(s)
        const w1 = s - f
        m[o * inLen + f] = (m[o * inLen + f] ?? 0) + 1 - w1
        const f1 = Math.min(f + 1, inLen - 1)
        m[o * inLen + f1] = (m[o * inLen + f1] ?? 0) + w1
      }
    }
    return m
  })
  // fast path: nearest with integer block repeats on the trailing axes → Reshape + ReduceSum
  const block = changed.map(({ inLen, outLen }, i) => {
    const s = outLen / inLen
    if (!Number.isInteger(s)) return 0
    const m = maps[i] as Float32Array
    for (let o = 0; o < outLen; o++) if (m[o * inLen + Math.floor(o / s)] !== 1) return 0
    return s
  })
  const firstChanged = changed[0]?.axis ?? r
  const leadingOnly = changed.every((c, i) => c.axis === firstChanged + i) && changed[changed.length - 1]?.axis === r - 1
  if (mode === 'nearest' && block.every((s) => s > 0) && leadingOnly && st.slice(firstChanged).every(Boolean)) {
    // unchanged leading dims are copied (0) by Reshape; each changed axis splits into [in, s]
    const shape: number[] = []
    const sumAxes: number[] = []
    for (let a = 0; a < r; a++) {
      if (a < firstChanged) shape.push(0)
      else {
        const c = changed[a - firstChanged] as (typeof changed)[number]
        shape.push(c.inLen, block[a - firstChanged] as number)
        sumAxes.push(shape.length - 1)
      }
    }
    const rs = t.node('Reshape', [g, t.constI64(shape)])
    return t.node('ReduceSum', [rs, t.constI64(sumAxes)], { keepdims: { int: 0 } })
  }
  // general: for each changed axis, move it last, multiply by M (out × in), move it back
  let cur = g
  changed.forEach((c, i) => {
    const name = t.fresh('resize_map')
    const m = maps[i] as Float32Array
    t.addInit({ name, dataType: 1, dims: [c.outLen, c.inLen], floatData: Array.from(m) })
    const perm = Array.from({ length: r }, (_, k) => k)
    perm[c.axis] = r - 1
    perm[r - 1] = c.axis
    const moved = c.axis === r - 1 ? cur : t.node('Transpose', [cur], { perm: { ints: perm } })
    const mm = t.node('MatMul', [moved, name])
    cur = c.axis === r - 1 ? mm : t.node('Transpose', [mm], { perm: { ints: perm } })
  })
  return cur
}


/** Op types with an ONNX backward rule (default domain). */
export function vjpOps(): string[] {
  return Object.keys(RULES).sort()
}
