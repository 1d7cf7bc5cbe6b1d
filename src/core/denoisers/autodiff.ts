// A differentiable tfjs function (x, σ) → D becomes a Denoiser with jacobian 'autodiff'.
//
// linearize() runs ONE forward pass under tfjs's gradient tape and keeps the tape (with the tensors its
// kernels saved for backward); every vjp() then runs ONE backward pass over that tape, like jax.vjp. tfjs's
// public tf.grad/tf.vjp would re-run the forward on every call, which would make MMPS(k) cost k + 1 forwards.
// We use two engine internals that have been stable across tfjs 4.x: startTape()/endTape() and
// state.activeTape (TapeNode: inputs, outputs, gradient(dys), saved) — the same ones engine.gradients() uses.
// Only gradients w.r.t. tensors reachable from x are evaluated (network weights' gradients are skipped).
import * as tf from '@tensorflow/tfjs-core'
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Cost, Denoiser, Linearization } from '../types'
import { CostCounter } from './cost'

interface TapeNodeLike {
  readonly outputs: Tensor[]
  readonly inputs: Record<string, Tensor>
  readonly gradient?: (dys: Array<Tensor | null>) => Record<string, () => Tensor>
  readonly saved?: Tensor[]
}
interface EngineInternals {
  startTape(): void
  endTape(): void
  state: { activeTape: TapeNodeLike[] | null; gradientDepth: number }
}

export type DifferentiableFn = (x: Tensor, sigma: number) => Tensor

/** Record f(x) on the tape; returns y (kept) and a reusable backward pass. */
export function recordVjp(f: () => Tensor, x: Tensor): { y: Tensor; vjp: (v: Tensor) => Tensor; dispose: () => void } {
  const engine = tf.engine() as unknown as EngineInternals
  const outer = engine.state.gradientDepth
  engine.startTape()
  let y: Tensor
  try {
    y = tf.keep(tf.tidy(f))
  } finally {
    engine.endTape()
  }
  const tape = engine.state.activeTape ?? []
  if (outer === 0) engine.state.activeTape = null // we own these nodes now; engine.gradients() starts afresh
  // nodes on a path from x (forward reachability; nodes not leading to y simply never receive a gradient)
  const reach = new Set<number>([x.id])
  const nodes: TapeNodeLike[] = []
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => reach.has(t.id))) {
      nodes.push(node)
      node.outputs.forEach((o) => reach.add(o.id))
    }
  }
  const vjp = (v: Tensor): Tensor => tf.tidy(() => {
    const grads = new Map<number, Tensor>([[y.id, v]])
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]
      if (!node.outputs.some((o) => grads.has(o.id))) continue
      if (!node.gradient) throw new Error('autodiff: an op on the path from x has no registered gradient')
      const inputGrads = node.gradient(node.outputs.map((o) => grads.get(o.id) ?? null))
      for (const [name, input] of Object.entries(node.inputs)) {
        if (!reach.has(input.id) || !inputGrads[name]) continue
        const g = inputGrads[name]()
        const prev = grads.get(input.id)
        grads.set(input.id, prev ? tf.add(prev, g) : g)
      }
    }
    const gx = grads.get(x.id)
    return gx ? tf.reshape(gx, x.shape) : tf.zerosLike(x)
  })
  const dispose = (): void => {
    y.dispose()
    for (const node of tape) node.saved?.forEach((t) => t.dispose())
  }
  return { y, vjp, dispose }
}

export class AutodiffDenoiser implements Denoiser {
  readonly jacobian = 'autodiff' as const
  private readonly counter = new CostCounter()

  constructor(readonly name: string, readonly sampleShape: readonly number[], private readonly fn: DifferentiableFn) {}

  get cost(): Cost { return this.counter.snapshot() }
  resetCost(): void { this.counter.reset() }

  denoise(x: Tensor, sigma: number): Tensor {
    this.counter.forward++
    return tf.tidy(() => this.fn(x, sigma))
  }

  linearize(x: Tensor, sigma: number): Linearization {
    this.counter.forward++
    const rec = recordVjp(() => this.fn(x, sigma), x)
    const counter = this.counter
    return {
      denoised: rec.y,
      vjp: (v: Tensor) => { counter.vjp++; return rec.vjp(v) },
      dispose: rec.dispose,
    }
  }
}
