// What the MLP and U-Net trainers draw per step (algorithms.md §1.4, §4.2): batch indices with replacement, per-sample
// σ = exp(ln a + (ln b − ln a)·t) with t ~ Beta(3, 3), and the linear LR schedule of each lap.
import type { VESchedule } from '../../core/diffusion/schedule'

/** Beta(3,3) draw as the median of 5 uniforms (order statistic k=3 of n=5 is Beta(3,3)). */
export function beta33(u: () => number): number {
  const v = [u(), u(), u(), u(), u()].sort((a, b) => a - b)
  return v[2]!
}

/** `batch` row indices in [0, n) and their noise levels, from the uniform stream `u`. */
export function drawBatch(u: () => number, n: number, batch: number, schedule: VESchedule): { idx: Int32Array; sigma: Float32Array } {
  const lnA = Math.log(schedule.a)
  const lnB = Math.log(schedule.b)
  const idx = new Int32Array(batch)
  const sigma = new Float32Array(batch)
  for (let i = 0; i < batch; i++) {
    idx[i] = Math.floor(u() * n)
    sigma[i] = Math.exp(lnA + (lnB - lnA) * beta33(u))
  }
  return { idx, sigma }
}

/** lr = lr_init + (lr_end − lr_init)·min((step+1)/(steps+1), 1). */
export function linearLr(lrInit: number, lrEnd: number, step: number, steps: number): number {
  return lrInit + (lrEnd - lrInit) * Math.min((step + 1) / (steps + 1), 1)
}
