// One forward pass, many exact VJPs. tfjs's public tf.grad/tf.vjp re-run the forward pass on every call; here the
// forward pass is recorded on tfjs's own gradient tape once, and each vjp(v) walks that tape backward with v as the
// seed, calling the same registered tfjs gradient functions that tf.grad uses. The tape API is tfjs-internal
// (engine.startTape/endTape/state.activeTape, stable in 4.x); when it is missing or a tape is already active, this
// falls back to tf.grad per call (still exact, but each VJP then recomputes the forward pass).
import * as tf from '@tensorflow/tfjs-core'
// tfjs-core alone registers no gradient functions; the @tensorflow/tfjs umbrella does, in every environment
// (its Node bundle carries its own copy; a deep import of tfjs-core/dist/register_all_gradients breaks in Node).
import '@tensorflow/tfjs'
// BatchMatMul's gradient with explicit transposes (fast on tfjs-wasm)
import './matmulGrad'

interface TapeNode {
  id: number
  kernelName: string
  outputs: tf.Tensor[]
  inputs: Record<string, tf.Tensor>
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>
  saved?: tf.Tensor[]
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number }
  startTape(): void
  endTape(): void
}

export interface RecordedVjp {
  /** f(x), owned by this object. */
  readonly y: tf.Tensor
  /** true: vjp reuses the recorded forward pass; false: each vjp recomputes it. */
  readonly reusesForward: boolean
  vjp(v: tf.Tensor): tf.Tensor
  dispose(): void
}

function engineInternals(): EngineInternals | null {
  const e = tf.engine() as unknown as Partial<EngineInternals>
  if (typeof e.startTape !== 'function' || typeof e.endTape !== 'function' || !e.state || typeof e.state.gradientDepth !== 'number') return null
  return e as EngineInternals
}

/** Nodes on a path from x to y, with inputs pruned to those that depend on x (as tfjs's getFilteredNodesXToY). */
function filterTape(tape: TapeNode[], x: tf.Tensor, y: tf.Tensor): TapeNode[] {
  const fromX = new Set<number>([x.id])
  const nodesFromX = new Set<number>()
  for (const n of tape) {
    if (Object.values(n.inputs).some((t) => fromX.has(t.id))) {
      // int/bool outputs (comparisons, casts to int) carry no derivative: do not propagate through them
      const floats = n.outputs.filter((o) => o.dtype === 'float32')
      floats.forEach((o) => fromX.add(o.id))
      if (floats.length > 0) nodesFromX.add(n.id)
    }
  }
  const toY = new Set<number>([y.id])
  const nodesToY = new Set<number>()
  for (let i = tape.length - 1; i >= 0; i--) {
    const n = tape[i] as TapeNode
    if (n.outputs.some((o) => toY.has(o.id))) {
      Object.values(n.inputs).forEach((t) => toY.add(t.id))
      nodesToY.add(n.id)
    }
  }
  const out: TapeNode[] = []
  for (const n of tape) {
    if (!nodesFromX.has(n.id) || !nodesToY.has(n.id)) continue
    const inputs: Record<string, tf.Tensor> = {}
    for (const [k, t] of Object.entries(n.inputs)) if (fromX.has(t.id)) inputs[k] = t
    out.push({ ...n, inputs })
  }
  return out
}

function backprop(tape: TapeNode[], y: tf.Tensor, v: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const acc = new Map<number, tf.Tensor>()
  acc.set(y.id, v.dtype === 'float32' ? tf.clone(v) : tf.cast(v, 'float32'))
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i] as TapeNode
    const dys = node.outputs.map((o) => acc.get(o.id) ?? null)
    if (!node.gradient) throw new Error(`no gradient registered for tfjs kernel ${node.kernelName}`)
    const grads = node.gradient(dys)
    for (const [name, input] of Object.entries(node.inputs)) {
      const g = grads[name]
      if (!g) throw new Error(`cannot backprop through input ${name} of ${node.kernelName}`)
      const dx = tf.tidy(g)
      const prev = acc.get(input.id)
      acc.set(input.id, prev ? tf.add(prev, dx) : dx)
    }
  }
  return acc.get(x.id) ?? tf.zeros(x.shape)
}

/** Run y = f(x) once and return y with a reusable v ↦ (∂y/∂x)ᵀ v. */
export function recordVjp(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): RecordedVjp {
  const eng = engineInternals()
  if (!eng || eng.state.gradientDepth !== 0) {
    const y = tf.tidy(() => f(x))
    const g = tf.grad(f)
    return {
      y,
      reusesForward: false,
      vjp: (v) => g(x, v),
      dispose: () => y.dispose(),
    }
  }
  let y: tf.Tensor
  eng.startTape()
  let tape: TapeNode[]
  try {
    y = tf.tidy(() => f(x))
  } finally {
    eng.endTape()
    tape = eng.state.activeTape ?? []
    eng.state.activeTape = null
  }
  const filtered = filterTape(tape, x, y)
  let disposed = false
  return {
    y,
    reusesForward: true,
    vjp: (v) => {
      if (disposed) throw new Error('vjp after dispose')
      if (v.shape.length !== y.shape.length || v.shape.some((d, i) => d !== y.shape[i])) {
        throw new Error(`vjp: v has shape [${v.shape.join(',')}], expected [${y.shape.join(',')}]`)
      }
      return tf.tidy(() => backprop(filtered, y, v, x))
    },
    dispose: () => {
      if (disposed) return
      disposed = true
      for (const n of tape) for (const t of n.saved ?? []) t.dispose()
      y.dispose()
    },
  }
}
