// What the studio benchmarks share (bench/studio.ts = `npm run bench:studio`, bench/emStudio.ts =
// `npm run bench:em-studio`): method flags, mean ± s.e., one batch of posterior samples by one method with
// the studio's pieces (posteriorDenoiser, DDPM sample, x̂ clamped to [−2, 2]), per-image scores, and the
// marked blocks of docs/results.md that a bench rewrites.
import { METHOD_DEFAULTS, type MethodSpec } from '../src/core/studio/config'
import { posteriorDenoiser, isMethodName } from '../src/core/posterior/registry'
import { sample } from '../src/core/diffusion/sampler'
import { psnr, ssim, toUnit } from '../src/core/metrics/image'
import type { Denoiser, LinearOperator } from '../src/core/types'
import type { Tensor } from '@tensorflow/tfjs-core'

/** `dps,pigdm,mmps:cg:3` → the studio's method specs (solver and iterations optional, else its defaults). */
export function parseMethods(spec: string): MethodSpec[] {
  return spec.split(',').map((s) => {
    const [name = '', solver, iters] = s.split(':')
    if (!isMethodName(name)) throw new Error(`unknown method ${name}`)
    return { ...METHOD_DEFAULTS[name], ...(solver ? { solver: solver as MethodSpec['solver'] } : {}), ...(iters ? { iters: Number(iters) } : {}) }
  })
}

export const fmtSigned = (v: number, d = 2): string => (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(d)

/** Mean and standard error of the finite entries. */
export function meanSe(v: number[]): { mean: number; se: number; n: number } {
  const f = v.filter(Number.isFinite)
  const mean = f.reduce((a, b) => a + b, 0) / Math.max(1, f.length)
  const sd = Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, f.length - 1))
  return { mean, se: sd / Math.sqrt(Math.max(1, f.length)), n: f.length }
}

/** Mean ± s.e. of a − b over the images where both are finite (paired). */
export function pairedDiff(a: number[], b: number[]): { mean: number; se: number; n: number } {
  return meanSe(a.map((v, i) => v - (b[i] ?? NaN)))
}

export interface PosteriorBatch { data: Float32Array; seconds: number; vjpPerStep: number }

/** One posterior sample per image of the batch behind y ([n, ...shape]) by one method, as the studio runs it. */
export async function samplePosterior(den: Denoiser, A: LinearOperator, y: Tensor, sigmaY: number, m: MethodSpec, n: number, shape: readonly number[], steps: number, seed: number, zeta = 0.5): Promise<PosteriorBatch> {
  const post = posteriorDenoiser(m.name, { denoiser: den, operator: A, y, sigmaY }, { solver: m.solver, iters: m.iters || undefined, clamp: [-2, 2], zeta })
  const t0 = performance.now()
  const xs = await sample(post.fn, [n, ...shape], { steps, sampler: 'ddpm', seed })
  const data = (await xs.data()) as Float32Array
  xs.dispose()
  const cost = post.cost()
  return { data, seconds: (performance.now() - t0) / 1000, vjpPerStep: cost.vjp / cost.calls }
}

/** Per-image PSNR (NaN for a non-finite image), mean PSNR and SSIM over the finite ones, and their count's complement. */
export function scoreImages(unitTruth: Float64Array[], data: Float32Array, [C, H, W]: readonly [number, number, number]): { psnrImages: number[]; psnr: number; ssim: number; bad: number } {
  const px = C * H * W
  let ps = 0, ss = 0, bad = 0
  const psnrImages: number[] = []
  unitTruth.forEach((truth, i) => {
    const s = data.subarray(i * px, (i + 1) * px)
    if (!s.every(Number.isFinite)) { bad++; psnrImages.push(NaN); return }
    const u = toUnit(s)
    psnrImages.push(psnr(truth, u))
    ps += psnrImages[i]!
    ss += ssim(truth, u, C, H, W)
  })
  const ok = Math.max(1, unitTruth.length - bad)
  return { psnrImages, psnr: ps / ok, ssim: ss / ok, bad }
}

/** `text` with the block from `open` to `close` (markers included) replaced by `block`, or appended when absent. */
export function replaceBlock(text: string, open: string, close: string, block: string): string {
  const a = text.indexOf(open), b = text.indexOf(close)
  if (a >= 0 && b > a) return text.slice(0, a) + block + text.slice(b + close.length)
  return text.replace(/\n*$/, '') + (text ? '\n\n' : '') + block + '\n'
}
