// Accuracy against cost: one point per method and step count (the run's own, and a sweep's), and each
// method's frontier through them, ordered by cost. Pure; the chart draws it.
import type { MethodResult } from '../../core/studio/run'

export interface CostPoint {
  /** The method's label (e.g. "MMPS (CG 3)"): one frontier per label. */
  label: string
  method: number
  steps: number
  /** Network evaluations: forward passes + VJPs (each a batch call). */
  evaluations: number
  forward: number
  vjp: number
  /** Compute seconds per sample. */
  seconds: number
  /** Average over the individual samples (not of their mean), so that runs with different sample counts compare. */
  psnr: number
  ssim: number
  source: 'run' | 'sweep'
}

export function costPoint(r: MethodResult, samples: number, source: CostPoint['source']): CostPoint {
  return {
    label: r.label, method: r.method, steps: r.steps, evaluations: r.forward + r.vjp, forward: r.forward, vjp: r.vjp,
    seconds: r.seconds / Math.max(1, samples), psnr: r.psnrSample ?? NaN, ssim: r.ssimSample ?? NaN, source,
  }
}

export type CostAxis = 'evaluations' | 'seconds'
export type QualityAxis = 'psnr' | 'ssim'

/** Points grouped by method label, each group sorted by the cost axis; a sweep's point replaces the run's at the same steps. */
export function frontiers(points: readonly CostPoint[], x: CostAxis): Map<string, CostPoint[]> {
  const out = new Map<string, CostPoint[]>()
  for (const p of points) {
    if (!Number.isFinite(p.psnr)) continue
    const list = out.get(p.label) ?? []
    const same = list.findIndex((q) => q.steps === p.steps)
    if (same >= 0) { if (p.source === 'sweep') list[same] = p } else list.push(p)
    out.set(p.label, list)
  }
  for (const list of out.values()) list.sort((a, b) => a[x] - b[x] || a.steps - b.steps)
  return out
}

/** "4, 8, 16" → [4, 8, 16]; a message for anything else. */
export function parseSweepSteps(s: string): number[] | string {
  const parts = s.split(/[\s,]+/).filter(Boolean)
  const v = parts.map(Number)
  if (v.length === 0 || v.some((x) => !Number.isInteger(x) || x < 2 || x > 1000)) return `Sweep steps must be whole numbers from 2 to 1000, separated by commas (got "${s}").`
  if (v.length > 8) return 'At most 8 step counts in one sweep.'
  return [...new Set(v)].sort((a, b) => a - b)
}
