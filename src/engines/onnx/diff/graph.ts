// Executes an ONNX graph op by op with tfjs (so tfjs autodiff sees every op).
//
// Constant folding: the first run for a given set of input shapes is a planning run. A node whose inputs are all
// constants (initializers, Constant nodes, earlier folded values) — or a Shape/Size node, whose output depends only
// on the (now concrete) input shape — is evaluated once and its result stored on the host. Torch's
// Shape→Gather→Unsqueeze→Concat→Reshape chains thus become constants, and later runs with the same input shapes
// execute only the remaining (data-dependent) nodes. Another batch size gets its own plan (dynamic batch works).
//
// Layouts: a runtime value may be stored permuted (conv outputs NHWC, lazy Transposes; see layout.ts). Ops that
// understand layouts read the stored tensor; any other op gets the logical tensor, made once per value. Graph
// outputs and folded constants are always logical.
import * as tf from '@tensorflow/tfjs-core'
import { type AttrValue, type DType, type HostTensor, type ModelIR, type NodeIR, parseModel } from './model'
import { lookupOp } from './ops'
import { unsupportedFeature } from './ops/features'
import { hostToTensor } from './ops/shape'
import type { Arg, OpCtx } from './ops/types'
import { isLaid, type Perm, toLogical } from './layout'

export interface UnsupportedOp {
  readonly op: string
  readonly domain: string
  readonly node: string
  readonly index: number
  /** Set when the op exists but a feature of this node is not supported (e.g. Resize mode=cubic). */
  readonly reason?: string
}

/** Every node the engine cannot run: unknown op types and unsupported features, in graph order. */
export function findUnsupported(model: ModelIR): UnsupportedOp[] {
  const out: UnsupportedOp[] = []
  for (const n of model.nodes) {
    if (!lookupOp(n.opType, n.domain)) out.push({ op: n.opType, domain: n.domain, node: n.name, index: n.index })
    else {
      const reason = unsupportedFeature(n, model)
      if (reason) out.push({ op: n.opType, domain: n.domain, node: n.name, index: n.index, reason })
    }
  }
  return out
}

export function describeUnsupported(u: UnsupportedOp): string {
  return `${u.domain ? `${u.domain}.` : ''}${u.op} (node ${u.node})${u.reason ? `: ${u.reason}` : ''}`
}

export class OnnxGraphError extends Error {}

/** A folded constant: kept as a tensor on the backend; read back to the host only when an op needs its values
 * (shape arguments, indices) — weight-only arithmetic is never read back (a sync read is slow on GPU backends). */
interface FoldedConst {
  readonly tensor: tf.Tensor
  host: HostTensor | null
}

interface Plan {
  readonly consts: Map<string, FoldedConst>
  readonly derived: Map<string, tf.Tensor>
  readonly steps: NodeIR[]
  /** Last step using each value (set once planning is done). */
  lastUse: Map<string, number> | null
  /** Arg views of the folded constants. */
  readonly args: Map<string, Arg>
}

/** A runtime value: the stored tensor, its layout (null = logical), and its logical form once made. */
interface Stored {
  readonly t: tf.Tensor
  readonly perm: Perm | null
  logical: tf.Tensor | null
}

function lastUses(steps: readonly NodeIR[]): Map<string, number> {
  const lastUse = new Map<string, number>()
  steps.forEach((n, i) => n.inputs.forEach((name) => { if (name) lastUse.set(name, i) }))
  return lastUse
}

export interface PlanInfo {
  readonly nodes: number
  readonly runtimeNodes: number
  readonly foldedValues: number
}

const SHAPE_ONLY = new Set(['Shape', 'Size'])

function toHost(t: tf.Tensor): HostTensor {
  const d = t.dataSync()
  const dtype: DType = t.dtype === 'float32' ? 'float32' : t.dtype === 'bool' ? 'bool' : 'int32'
  const data = dtype === 'float32' ? Float32Array.from(d as Float32Array) : dtype === 'bool' ? Uint8Array.from(d as Uint8Array) : Int32Array.from(d as Int32Array)
  return { dtype, shape: [...t.shape], data }
}

const dtypeOf = (t: tf.Tensor): DType => (t.dtype === 'float32' ? 'float32' : t.dtype === 'bool' ? 'bool' : 'int32')

/** A value computed in this run (classes, not closures: one of these per node input per run). */
class RuntimeArg implements Arg {
  readonly isConst = false
  readonly host = null
  readonly shape: readonly number[]
  readonly dtype: DType
  readonly layout: Perm | null
  constructor(readonly name: string, private readonly st: Stored) {
    const perm = st.perm
    this.layout = perm
    this.shape = perm ? perm.map((_, k) => st.t.shape[perm.indexOf(k)] as number) : st.t.shape
    this.dtype = dtypeOf(st.t)
  }

  /** The logical form of a permuted value is made once (kept until the value is released). */
  tensor(): tf.Tensor {
    const st = this.st
    if (!st.perm) return st.t
    if (!st.logical) st.logical = tf.keep(toLogical(st.t, st.perm))
    return st.logical
  }

  physical(): tf.Tensor {
    return this.st.t
  }

  values(): number[] {
    return Array.from(this.tensor().dataSync() as ArrayLike<number>)
  }
}

class FoldedArg implements Arg {
  readonly isConst = true
  readonly layout = null
  readonly shape: readonly number[]
  readonly dtype: DType
  constructor(readonly name: string, private readonly folded: FoldedConst) {
    this.shape = folded.tensor.shape
    this.dtype = dtypeOf(folded.tensor)
  }

  get host(): HostTensor {
    if (!this.folded.host) this.folded.host = toHost(this.folded.tensor)
    return this.folded.host
  }

  tensor(): tf.Tensor {
    return this.folded.tensor
  }

  physical(): tf.Tensor {
    return this.folded.tensor
  }

  values(): number[] {
    return Array.from(this.host.data)
  }
}

class InitArg implements Arg {
  readonly isConst = true
  readonly layout = null
  readonly shape: readonly number[]
  readonly dtype: DType
  constructor(readonly name: string, readonly host: HostTensor, private readonly make: () => tf.Tensor) {
    this.shape = host.shape
    this.dtype = host.dtype
  }

  tensor(): tf.Tensor {
    return this.make()
  }

  physical(): tf.Tensor {
    return this.make()
  }

  values(): number[] {
    return Array.from(this.host.data)
  }
}

class NodeCtx implements OpCtx {
  readonly numInputs: number
  readonly numOutputs: number
  constructor(readonly node: NodeIR, private readonly args: (Arg | null)[], readonly opset: number, private readonly cacheFor: (a: Arg) => Map<string, tf.Tensor>) {
    this.numInputs = args.length
    this.numOutputs = node.outputs.filter((o) => o !== '').length
  }

  input(i: number): Arg {
    const a = this.args[i]
    if (!a) throw new OnnxGraphError(`missing required input ${i}`)
    return a
  }

  optional(i: number): Arg | null {
    return this.args[i] ?? null
  }

  attr(n: string): AttrValue | undefined {
    return this.node.attrs.get(n)
  }

  int(n: string, def: number): number {
    const v = this.attr(n)
    return typeof v === 'number' ? Math.trunc(v) : def
  }

  ints(n: string, def: readonly number[] | null): number[] | null {
    const v = this.attr(n)
    return Array.isArray(v) ? v.map(Number) : def ? [...def] : null
  }

  float(n: string, def: number): number {
    const v = this.attr(n)
    return typeof v === 'number' ? v : def
  }

  string(n: string, def: string): string {
    const v = this.attr(n)
    return typeof v === 'string' ? v : def
  }

  derived(a: Arg, key: string, make: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
    if (!a.isConst) return make(a.tensor())
    const cache = this.cacheFor(a)
    const k = `${a.name}|${key}`
    let t = cache.get(k)
    if (!t) {
      t = tf.keep(tf.tidy(() => make(a.tensor())))
      cache.set(k, t)
    }
    return t
  }
}

export class OnnxGraph {
  readonly model: ModelIR
  readonly unsupported: readonly UnsupportedOp[]
  private readonly initTensors = new Map<string, tf.Tensor>()
  private readonly initDerived = new Map<string, tf.Tensor>()
  private readonly initArgs = new Map<string, Arg>()
  private readonly plans = new Map<string, Plan>()
  private disposed = false

  constructor(model: ModelIR) {
    this.model = model
    this.unsupported = findUnsupported(model)
  }

  static fromBytes(bytes: Uint8Array): OnnxGraph {
    return new OnnxGraph(parseModel(bytes))
  }

  get inputNames(): string[] {
    return this.model.inputs.map((i) => i.name)
  }

  get outputNames(): string[] {
    return this.model.outputs.map((o) => o.name)
  }

  /** Planning statistics for the given input shapes (after at least one run with them), else null. */
  planInfo(feeds: Record<string, tf.Tensor>): PlanInfo | null {
    const p = this.plans.get(this.signature(feeds))
    return p ? { nodes: this.model.nodes.length, runtimeNodes: p.steps.length, foldedValues: p.consts.size } : null
  }

  private signature(feeds: Record<string, tf.Tensor>): string {
    return this.model.inputs.map((i) => `${i.name}:${feeds[i.name]?.dtype ?? '?'}[${feeds[i.name]?.shape.join(',') ?? ''}]`).join(';')
  }

  /**
   * Run the graph. Returns new tensors for `outputs` (default: the graph outputs); the caller owns them.
   * Feeds are not disposed. Throws OnnxGraphError naming the node on failure.
   */
  run(feeds: Record<string, tf.Tensor>, outputs?: readonly string[]): tf.Tensor[] {
    if (this.disposed) throw new OnnxGraphError('graph is disposed')
    if (this.unsupported.length > 0) {
      throw new OnnxGraphError(`unsupported ops: ${this.unsupported.map(describeUnsupported).join(', ')}`)
    }
    for (const i of this.model.inputs) {
      if (!feeds[i.name]) throw new OnnxGraphError(`missing input ${i.name}`)
    }
    const wanted = outputs ?? this.outputNames
    const key = this.signature(feeds)
    let plan = this.plans.get(key)
    const planning = !plan
    if (!plan) {
      plan = { consts: new Map(), derived: new Map(), steps: [], lastUse: null, args: new Map() }
      this.evictPlans()
      this.plans.set(key, plan)
    }
    const p = plan
    const steps = planning ? this.model.nodes : p.steps
    // last use of every runtime value, to dispose intermediates early
    const lastUse = planning || !p.lastUse ? lastUses(steps) : p.lastUse
    const keepNames = new Set(wanted)
    const values = new Map<string, Stored>()
    const feedSet = new Set<tf.Tensor>()
    for (const i of this.model.inputs) {
      const t = feeds[i.name] as tf.Tensor
      values.set(i.name, { t, perm: null, logical: null })
      feedSet.add(t)
    }
    const release = (st: Stored): void => {
      if (!feedSet.has(st.t)) st.t.dispose()
      if (st.logical && !feedSet.has(st.logical)) st.logical.dispose()
    }
    try {
      for (let si = 0; si < steps.length; si++) {
        const node = steps[si] as NodeIR
        const fn = lookupOp(node.opType, node.domain)
        if (!fn) throw new OnnxGraphError(`unsupported op ${node.opType}`)
        const args = node.inputs.map((name) => (name === '' ? null : this.arg(name, values, p)))
        const ctx = this.ctx(node, args, p)
        const isConst = planning && (SHAPE_ONLY.has(node.opType) || args.every((a) => a === null || a.isConst))
        let outs: tf.Tensor[]
        let perms: (Perm | null)[] = []
        try {
          outs = tf.tidy(() => {
            const r = fn(ctx)
            const list = Array.isArray(r) ? r : [r]
            // folded constants are stored in logical layout
            perms = list.map((v) => (isLaid(v) && !isConst ? v.perm : null))
            return list.map((v) => (isLaid(v) ? (isConst ? toLogical(v.tensor, v.perm) : v.tensor) : v))
          })
        } catch (err) {
          throw new OnnxGraphError(`node ${node.name} (${node.opType}): ${err instanceof Error ? err.message : String(err)}`)
        }
        // an op may hand back one of its inputs (runtime value, its logical form, or a cached constant): never alias it
        const argTensors = new Set<tf.Tensor>()
        for (const name of node.inputs) {
          if (!name) continue
          const st = values.get(name)
          if (st) {
            argTensors.add(st.t)
            if (st.logical) argTensors.add(st.logical)
          }
          const c = p.consts.get(name)?.tensor ?? this.initTensors.get(name)
          if (c) argTensors.add(c)
        }
        node.outputs.forEach((name, j) => {
          let t = outs[j]
          if (!name || !t) {
            t?.dispose()
            return
          }
          if (argTensors.has(t)) t = tf.clone(t)
          if (isConst) {
            p.consts.set(name, { tensor: tf.keep(t), host: null })
          } else {
            values.set(name, { t, perm: perms[j] ?? null, logical: null })
          }
        })
        for (let j = node.outputs.length; j < outs.length; j++) outs[j]?.dispose()
        if (planning && !isConst) p.steps.push(node)
        // dispose intermediates whose last use was this node
        for (const name of node.inputs) {
          if (!name || lastUse.get(name) !== si || keepNames.has(name)) continue
          const st = values.get(name)
          if (st) {
            release(st)
            values.delete(name)
          }
        }
      }
      if (planning) p.lastUse = lastUses(p.steps)
      return wanted.map((name) => {
        const st = values.get(name)
        if (st) {
          if (!st.perm) {
            values.delete(name)
            if (st.logical && st.logical !== st.t) st.logical.dispose()
            return feedSet.has(st.t) ? tf.clone(st.t) : st.t
          }
          if (st.logical) {
            const out = st.logical
            st.logical = null
            return out
          }
          const perm = st.perm
          return tf.tidy(() => toLogical(st.t, perm))
        }
        const folded = p.consts.get(name)
        if (folded) return tf.clone(folded.tensor)
        const h = this.model.initializers.get(name)
        if (h) return hostToTensor(h)
        throw new OnnxGraphError(`output ${name} was not produced`)
      })
    } catch (err) {
      if (planning) {
        this.disposePlan(p)
        this.plans.delete(key)
      }
      throw err
    } finally {
      for (const st of values.values()) release(st)
    }
  }

  private initTensor(name: string, h: HostTensor): tf.Tensor {
    let t = this.initTensors.get(name)
    if (!t) {
      t = tf.keep(hostToTensor(h))
      this.initTensors.set(name, t)
    }
    return t
  }

  private arg(name: string, values: Map<string, Stored>, p: Plan): Arg {
    const st = values.get(name)
    if (st) return new RuntimeArg(name, st)
    // constant args are made once per plan (folded) or per graph (initializers)
    const cached = p.args.get(name) ?? this.initArgs.get(name)
    if (cached) return cached
    const folded = p.consts.get(name)
    if (folded) {
      const a = new FoldedArg(name, folded)
      p.args.set(name, a)
      return a
    }
    const h = this.model.initializers.get(name)
    if (!h) throw new OnnxGraphError(`value ${name} is used before it is produced (graph not topologically sorted?)`)
    const a = new InitArg(name, h, () => this.initTensor(name, h))
    this.initArgs.set(name, a)
    return a
  }

  /** Keep at most 8 input-shape plans (each holds folded constants and derived weights). */
  private evictPlans(): void {
    while (this.plans.size >= 8) {
      const oldest = this.plans.keys().next().value as string
      this.disposePlan(this.plans.get(oldest) as Plan)
      this.plans.delete(oldest)
    }
  }

  private disposePlan(p: Plan): void {
    for (const c of p.consts.values()) c.tensor.dispose()
    for (const t of p.derived.values()) t.dispose()
    p.args.clear()
  }

  private ctx(node: NodeIR, args: (Arg | null)[], p: Plan): OpCtx {
    return new NodeCtx(node, args, this.model.opset, (a) => (this.model.initializers.has(a.name) ? this.initDerived : p.derived))
  }

  dispose(): void {
    this.disposed = true
    for (const t of this.initTensors.values()) t.dispose()
    for (const t of this.initDerived.values()) t.dispose()
    for (const p of this.plans.values()) this.disposePlan(p)
    this.initTensors.clear()
    this.initDerived.clear()
    this.initArgs.clear()
    this.plans.clear()
  }
}
