// VE noise schedule and the shared time grid.

export interface VESchedule {
  readonly a: number // σ_min = σ(0)
  readonly b: number // σ_max = σ(1)
}

export const defaultSchedule: VESchedule = { a: 1e-3, b: 1e2 }

/** σ(t) = a^(1−t) · b^t (§1.1). */
export function sigmaAt(t: number, s: VESchedule = defaultSchedule): number {
  return Math.exp(Math.log(s.a) + (Math.log(s.b) - Math.log(s.a)) * t)
}

export interface GridStep {
  readonly t: number
  readonly s: number
  readonly sigmaT: number
  readonly sigmaS: number
}

/** §2.1: times = linspace(1, 1/S, S), step k goes t → s = t − 1/S; the last lands on s = 0 (σ = a). */
export function timeGrid(steps: number, schedule: VESchedule = defaultSchedule): GridStep[] {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`)
  const dt = 1 / steps
  return Array.from({ length: steps }, (_, k) => {
    const t = steps === 1 ? 1 : 1 + (k * (1 / steps - 1)) / (steps - 1)
    const s = Math.max(t - dt, 0)
    return { t, s, sigmaT: sigmaAt(t, schedule), sigmaS: sigmaAt(s, schedule) }
  })
}
