// A studio run's trajectories: for every method, the first sample's x_t and E[x | x_t, y] at each step, and the
// per-step metrics (PSNR of E[x | x_t, y] against the clean image, RMS of y − A E[x | x_t, y]).
//
// Size. Images are kept as Uint8, the 8 bits the canvas draws (ImageCanvas maps [−2, 2] to 0…255 and clips), so
// the quantisation loses nothing the page can show. A frame is 2 × C·H·W bytes: 6,144 B at 3×32×32. A 100-step,
// 5-method run has 101 frames per method (step 0 … 100, the last being the final denoiser call):
// 101 × 5 × 6,144 B = 3.10 MB (3,102,720 B), under the budget below, so every step is kept. Beyond the budget
// the kept steps are spread evenly over the run (always the first and the last): a 1000-step, 5-method run
// keeps 136 steps per method, 4.18 MB. The per-step metrics are kept for every step (a few numbers each).
import { psnr, toUnit } from '../metrics/image'

/** Bytes of trajectory images one run may keep, over all its methods. */
export const TRAJECTORY_BUDGET_BYTES = 4 * 1024 * 1024

/** Images in [−2, 2] → the bytes the canvas would draw (round-to-nearest of (v + 2)·255/4, clipped). */
export function quantise(a: ArrayLike<number>): Uint8Array {
  const out = new Uint8ClampedArray(a.length)
  for (let i = 0; i < a.length; i++) out[i] = ((a[i] as number) + 2) * 63.75
  return new Uint8Array(out.buffer)
}

/** Back to [−2, 2]; quantise(dequantise(q)) === q. */
export function dequantise(q: Uint8Array): Float32Array {
  const out = new Float32Array(q.length)
  for (let i = 0; i < q.length; i++) out[i] = q[i]! / 63.75 - 2
  return out
}

/** How many steps per method fit the budget (at least 2: the first and the last). */
export function framesPerMethod(methods: number, pixels: number, budget = TRAJECTORY_BUDGET_BYTES): number {
  return Math.max(2, Math.floor(budget / (Math.max(1, methods) * 2 * pixels)))
}

/** The steps (0 … steps, the last being the final denoiser call) whose images are kept, at most `cap`. */
export function keptSteps(steps: number, cap: number): number[] {
  const total = steps + 1
  if (total <= cap) return Array.from({ length: total }, (_, i) => i)
  const out = new Set<number>()
  for (let i = 0; i < cap; i++) out.add(Math.round((i * steps) / (cap - 1)))
  return [...out].sort((a, b) => a - b)
}

/** Per-step metrics of one E[x | x_t, y] (first sample): PSNR on [0, 1] as the table, and the residual RMS. */
export function stepPsnr(clean: ArrayLike<number>, denoised: ArrayLike<number>): number {
  return psnr(toUnit(clean), toUnit(denoised))
}

export interface StepFrame {
  method: number
  /** 0 … steps; `steps` is the final denoiser call (the sample itself). */
  step: number
  steps: number
  sigma: number
  /** Uint8-quantised x_t and E[x | x_t, y] of the first sample, C×H×W (absent when the run keeps no images). */
  xt?: Uint8Array
  denoised?: Uint8Array
  psnr: number
  residual: number
  /** This method's compute time so far (s). */
  seconds: number
  forward: number
  vjp: number
}

export interface Trajectory {
  method: number
  steps: number
  /** C·H·W of one image. */
  pixels: number
  /** Per step (index = step), for every step reached. */
  sigma: number[]
  psnr: number[]
  residual: number[]
  seconds: number[]
  /** The steps whose images are kept, ascending, and their images (same order). */
  kept: number[]
  xt: Uint8Array[]
  denoised: Uint8Array[]
}

/** Collects one method's frames as they arrive, keeping images only at the planned steps. */
export class TrajectoryRecorder {
  readonly t: Trajectory
  private readonly plan: Set<number>
  constructor(method: number, steps: number, pixels: number, cap: number) {
    this.plan = new Set(keptSteps(steps, cap))
    this.t = { method, steps, pixels, sigma: [], psnr: [], residual: [], seconds: [], kept: [], xt: [], denoised: [] }
  }
  add(f: StepFrame): void {
    const t = this.t
    t.sigma[f.step] = f.sigma
    t.psnr[f.step] = f.psnr
    t.residual[f.step] = f.residual
    t.seconds[f.step] = f.seconds
    if (f.xt && f.denoised && this.plan.has(f.step) && !t.kept.includes(f.step)) {
      t.kept.push(f.step)
      t.xt.push(f.xt)
      t.denoised.push(f.denoised)
    }
  }
}

/** Bytes of images a set of trajectories holds. */
export function trajectoryBytes(ts: readonly Trajectory[]): number {
  return ts.reduce((a, t) => a + t.xt.reduce((b, f) => b + f.length, 0) + t.denoised.reduce((b, f) => b + f.length, 0), 0)
}

/** The kept frame shown at step k: the last kept step ≤ k (or the first kept one). */
export function frameAt(t: Trajectory, k: number): { step: number; xt: Uint8Array; denoised: Uint8Array } | undefined {
  if (t.kept.length === 0) return undefined
  let i = 0
  while (i + 1 < t.kept.length && t.kept[i + 1]! <= k) i++
  return { step: t.kept[i]!, xt: t.xt[i]!, denoised: t.denoised[i]! }
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export interface WireTrajectory extends Omit<Trajectory, 'xt' | 'denoised'> {
  /** base64 of the kept x_t frames, then of the E[x | x_t, y] frames, each kept.length × pixels bytes (Uint8, x = 4·b/255 − 2). */
  xt: string
  denoised: string
}

const concat = (fs: Uint8Array[], n: number): Uint8Array => {
  const out = new Uint8Array(fs.length * n)
  fs.forEach((f, i) => out.set(f, i * n))
  return out
}

/** For the JSON download: images as base64 (4/3 bytes per byte, against ~3.6 for a JSON number array). */
export function trajectoryToWire(t: Trajectory): WireTrajectory {
  return { ...t, xt: toBase64(concat(t.xt, t.pixels)), denoised: toBase64(concat(t.denoised, t.pixels)) }
}

export function trajectoryFromWire(w: WireTrajectory): Trajectory {
  const split = (s: string): Uint8Array[] => {
    const b = fromBase64(s)
    if (b.length !== w.kept.length * w.pixels) throw new Error(`a trajectory holds ${b.length} bytes; ${w.kept.length} frames of ${w.pixels} need ${w.kept.length * w.pixels}`)
    return w.kept.map((_, i) => b.slice(i * w.pixels, (i + 1) * w.pixels))
  }
  return { ...w, xt: split(w.xt), denoised: split(w.denoised) }
}
