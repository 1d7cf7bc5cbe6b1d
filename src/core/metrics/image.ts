// PSNR and SSIM exactly as [B] computes them with piqa 1.3.2 (§7): inputs mapped to [0, 1] by the caller
// (toUnit), value range 1. Plain Float32/Float64 arrays, one image [C, H, W] at a time (metrics, not hot path).

/** Map an image from [lo, hi] (ours: [−2, 2]) to [0, 1] and clip, as [B] does before its metrics. */
export function toUnit(x: ArrayLike<number>, lo = -2, hi = 2): Float64Array {
  return Float64Array.from(x, (v) => Math.min(1, Math.max(0, (v - lo) / (hi - lo))))
}

/** PSNR = 10 log10(1 / (MSE + 1e-8)) (piqa, value_range 1). */
export function psnr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += (x[i] - y[i]) ** 2
  return 10 * Math.log10(1 / (s / x.length + 1e-8))
}

/** 1-D Gaussian window of size n and std σ, normalised (piqa gaussian_kernel). */
export function gaussianWindow(n = 11, sigma = 1.5): Float64Array {
  const w = Float64Array.from({ length: n }, (_, i) => Math.exp(-((i - (n - 1) / 2) ** 2) / (2 * sigma * sigma)))
  const s = w.reduce((a, b) => a + b, 0)
  return w.map((v) => v / s)
}

/** Separable 'valid' filtering of one H×W channel. */
function filterValid(img: Float64Array, h: number, w: number, k: Float64Array): { out: Float64Array; oh: number; ow: number } {
  const n = k.length, oh = h - n + 1, ow = w - n + 1
  const tmp = new Float64Array(h * ow)
  for (let i = 0; i < h; i++) for (let j = 0; j < ow; j++) { let a = 0; for (let t = 0; t < n; t++) a += img[i * w + j + t] * k[t]; tmp[i * ow + j] = a }
  const out = new Float64Array(oh * ow)
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) { let a = 0; for (let t = 0; t < n; t++) a += tmp[(i + t) * ow + j] * k[t]; out[i * ow + j] = a }
  return { out, oh, ow }
}

/**
 * SSIM (piqa): Gaussian window 11×11, σ = 1.5, no padding, C1 = 0.01², C2 = 0.03² (value range 1),
 * mean over channels and positions. x, y: [C, H, W] in [0, 1].
 */
export function ssim(x: ArrayLike<number>, y: ArrayLike<number>, c: number, h: number, w: number): number {
  const k = gaussianWindow(11, 1.5)
  if (h < k.length || w < k.length) throw new Error(`ssim: image ${h}×${w} smaller than the 11×11 window`)
  const c1 = 0.01 ** 2, c2 = 0.03 ** 2
  let total = 0, count = 0
  for (let ch = 0; ch < c; ch++) {
    const xs = Float64Array.from({ length: h * w }, (_, i) => x[ch * h * w + i])
    const ys = Float64Array.from({ length: h * w }, (_, i) => y[ch * h * w + i])
    const f = (a: Float64Array) => filterValid(a, h, w, k).out
    const mx = f(xs), my = f(ys)
    const sxx = f(xs.map((v) => v * v)), syy = f(ys.map((v) => v * v)), sxy = f(xs.map((v, i) => v * ys[i]))
    for (let i = 0; i < mx.length; i++) {
      const vx = sxx[i] - mx[i] ** 2, vy = syy[i] - my[i] ** 2, cov = sxy[i] - mx[i] * my[i]
      const lum = (2 * mx[i] * my[i] + c1) / (mx[i] ** 2 + my[i] ** 2 + c1)
      const cs = (2 * cov + c2) / (vx + vy + c2)
      total += lum * cs
      count++
    }
  }
  return total / count
}
