import type { Cost } from '../types'

/** A mutable work counter that Denoisers expose read-only as `cost`. */
export class CostCounter implements Cost {
  forward = 0
  vjp = 0
  reset(): void { this.forward = 0; this.vjp = 0 }
  snapshot(): Cost { return { forward: this.forward, vjp: this.vjp } }
}

export function costDelta(after: Cost, before: Cost): Cost {
  return { forward: after.forward - before.forward, vjp: after.vjp - before.vjp }
}
