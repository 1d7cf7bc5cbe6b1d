// `npm run cli -- pcs --problem P.json --sigma S --k K --iters N --seed Z --out pcs.json`
// `npm run cli -- pcs --model m.onnx --image x.png --sigma S [--rect x0,y0,x1,y1] ...`
// Posterior principal components of the denoising posterior p(x | x_t), x_t = x + σz (algorithms.md §12.1):
// the top-k eigenpairs of Cov[x | x_t] = σ² ∂D/∂x_t by subspace iteration (src/core/pcs).
//   --problem: the `sample` command's problem file with a Gaussian or Gaussian-mixture prior; its operator, y and
//     σ_y are ignored. x_t is the file's "x_t" when given, else x ~ prior and z ~ N(0, I) drawn from --seed.
//   --model/--image: an ONNX denoiser run in the differentiable tfjs engine on a PNG of the model's size
//     (values 4·u8/255 − 2, luminance for one-channel models); x_t = x + σz from --seed.
// Options: --jacobian exact|fd (default exact: one backward pass, Jᵀv = Jv for the MMSE denoiser; fd: the
// paper's forward difference with step --fd-step, default √(ε₃₂·√N·σ)), --moments (four moments and the
// max-entropy fit along each PC), --backend wasm|cpu.
// Output {"eigenvalues": [...] (of the posterior covariance, descending), "vectors": [[...], ...] (unit),
// "theta", "residuals", "iterations", "x_t", "denoised", "config", "seconds"[, "marginals"]}.
import { readFileSync, writeFileSync } from 'node:fs'
import { CliError, parseFlags, type Command } from '../command'
import { parsePrior, type ParsedPrior } from './sample'
import { cholesky } from '../../core/linalg/dense'
import { fillNormal, mulberry32, normals } from '../../core/linalg/random'
import type { PcJacobian } from '../../core/pcs/products'

const fail = (msg: string): never => { throw new CliError(msg) }

function int(name: string, v: string | undefined, fallback: number, min: number, max = Infinity): number {
  if (v === undefined) return fallback
  const x = Number(v)
  if (!/^\d+$/.test(v) || x < min || x > max) fail(`--${name} must be an integer in [${min}, ${max}], got "${v}"`)
  return x
}

function positive(name: string, v: string | undefined, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) return fail(`--${name} is required (a positive number)`)
    return fallback
  }
  const x = Number(v)
  if (!(x > 0) || !Number.isFinite(x)) fail(`--${name} must be a positive number, got "${v}"`)
  return x
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    return fail(`--problem ${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
  }
}

/** x ~ prior, seeded (Gaussian: μ + L z; mixture: a component by its weight, then the same). */
export function drawFromPrior(p: ParsedPrior, uniform: () => number): Float64Array {
  const s = p.spec
  let mean: readonly number[], cov: Float64Array
  if (s.type === 'gaussian') {
    mean = s.mean; cov = s.cov
  } else {
    let u = uniform(), k = 0
    while (k < s.weights.length - 1 && u > s.weights[k]!) { u -= s.weights[k]!; k++ }
    mean = s.means[k]!; cov = s.covs[k]!
  }
  const n = mean.length
  const l = cholesky(cov, n)
  const z = normals(n, uniform)
  return Float64Array.from(mean, (m, i) => { let acc = m; for (let j = 0; j <= i; j++) acc += l[i * n + j]! * z[j]!; return acc })
}

/** A PNG as planar C×H×W in [−2, 2]. */
async function readPng(path: string, channels: number): Promise<{ data: Float32Array; h: number; w: number }> {
  const { PNG } = await import('pngjs')
  let png: { width: number; height: number; data: Buffer }
  try {
    png = PNG.sync.read(readFileSync(path))
  } catch (e) {
    return fail(`--image ${path}: ${e instanceof Error ? e.message : String(e)} (a PNG file is expected)`)
  }
  const { width: w, height: h, data: rgba } = png
  const data = new Float32Array(channels * h * w)
  for (let i = 0; i < h * w; i++) {
    if (channels === 1) data[i] = (4 * (0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!)) / 255 - 2
    else for (let c = 0; c < channels; c++) data[c * h * w + i] = (4 * rgba[4 * i + c]!) / 255 - 2
  }
  return { data, h, w }
}

function parseRect(v: string | undefined, h: number, w: number): { x0: number; y0: number; x1: number; y1: number } {
  if (v === undefined) return { x0: 0, y0: 0, x1: w, y1: h }
  const p = v.split(',').map(Number)
  if (p.length !== 4 || !p.every(Number.isInteger)) return fail(`--rect must be x0,y0,x1,y1 (integers), got "${v}"`)
  const [x0, y0, x1, y1] = p as [number, number, number, number]
  if (!(x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h && x1 > x0 && y1 > y0)) fail(`--rect ${v} must satisfy 0 ≤ x0 < x1 ≤ ${w}, 0 ≤ y0 < y1 ≤ ${h}`)
  return { x0, y0, x1, y1 }
}

const command: Command = {
  summary: 'posterior principal components of the denoising posterior (Gaussian/GMM prior, or an ONNX model on a PNG)',
  usage: [
    'usage: pcs (--problem p.json | --model m.onnx --image x.png) --sigma S [--k K] [--iters N] [--seed Z] [--out pcs.json]',
    '           [--jacobian exact|fd] [--fd-step C] [--rect x0,y0,x1,y1] [--tol T] [--moments] [--backend wasm|cpu]',
    '  --problem   the sample command\'s problem file; its Gaussian/GMM prior is used, y and A are ignored (optional "x_t")',
    '  --model     an ONNX denoiser (with --image, a PNG of the model\'s size)',
    '  --sigma     noise level of the denoising problem x_t = x + σz (required, > 0)',
    '  --k         principal components, 1–64 (default 3)',
    '  --iters     subspace iterations (default 50)',
    '  --seed      seed of z and of the initial basis (default 0)',
    '  --jacobian  exact (VJP; Jᵀv = Jv for an ideal denoiser) or fd (forward difference) (default exact)',
    '  --fd-step   forward-difference step (default √(ε₃₂·√N·σ))',
    '  --rect      patch x0,y0,x1,y1 in pixels (default the whole image)',
    '  --tol       stop once every relative residual is below T (default 0: run all iterations)',
    '  --moments   also the first four moments of the marginal along each PC and a max-entropy fit',
    '  --out       output JSON (default stdout): {"eigenvalues": [...], "vectors": [[...], ...], ...}',
  ].join('\n'),
  async run(args) {
    const v = parseFlags(args, ['problem', 'model', 'image', 'sigma', 'k', 'iters', 'seed', 'out', 'jacobian', 'fd-step', 'backend', 'rect', 'tol'], ['moments'])
    if (!v.problem === !v.model) fail('give either --problem P.json or --model m.onnx --image x.png')
    if (v.model && !v.image) fail('--model needs --image x.png')
    const sigma = positive('sigma', v.sigma)
    const k = int('k', v.k, 3, 1, 64)
    const iters = int('iters', v.iters, 50, 1, 100000)
    const seed = int('seed', v.seed, 0, 0)
    const jacobian = (v.jacobian ?? 'exact') as PcJacobian
    if (jacobian !== 'exact' && jacobian !== 'fd') fail(`--jacobian must be exact or fd, got "${v.jacobian}"`)
    const fdStepFlag = v['fd-step'] === undefined ? undefined : positive('fd-step', v['fd-step'])
    const tol = v.tol === undefined ? 0 : positive('tol', v.tol)
    const uniform = mulberry32(seed)

    let prior: ParsedPrior | undefined
    let xtGiven: number[] | undefined
    if (v.problem) {
      const raw = readJson(v.problem)
      if (typeof raw !== 'object' || raw === null) fail('problem: not an object')
      prior = parsePrior((raw as Record<string, unknown>).prior)
      const xr = (raw as Record<string, unknown>).x_t
      if (xr !== undefined) {
        if (!Array.isArray(xr) || xr.length !== prior.n || !xr.every((e) => typeof e === 'number' && Number.isFinite(e))) fail(`x_t: expected ${prior.n} finite numbers`)
        xtGiven = xr as number[]
      }
      if (k > prior.n) fail(`--k ${k} exceeds the dimension ${prior.n}`)
    }

    const tf = await import('@tensorflow/tfjs')
    const { useNodeBackend } = await import('../nodeTf')
    const { jacobianProducts } = await import('../../core/pcs/products')
    const { posteriorPcs, rectMask, PcsError } = await import('../../core/pcs/subspace')
    const { marginalMoments } = await import('../../core/pcs/moments')
    const { fitMaxEnt } = await import('../../core/pcs/maxent')
    const backend = await useNodeBackend(v.backend)

    let den, xt: InstanceType<typeof tf.Tensor>, mask: InstanceType<typeof tf.Tensor> | undefined, config: Record<string, unknown>
    if (prior) {
      den = await prior.makeDenoiser()
      const x = xtGiven ? undefined : drawFromPrior(prior, uniform)
      const z = normals(prior.n, uniform)
      const xtv = xtGiven ?? Array.from(x as Float64Array, (e, i) => e + sigma * z[i]!)
      xt = tf.tensor2d([xtv])
      config = { prior: prior.prior, dim: prior.n, x: x ? Array.from(x) : null }
    } else {
      const { createOnnxDenoiser, OnnxDenoiserError } = await import('../../engines/onnx/diff')
      let bytes: Uint8Array
      try { bytes = new Uint8Array(readFileSync(v.model as string)) } catch (e) { return fail(`cannot read ${v.model}: ${e instanceof Error ? e.message : String(e)}`) }
      const { checkModel } = await import('../../engines/onnx/diff')
      const report = checkModel(bytes)
      if (!report.ok || !report.io) fail(`${v.model}: ${report.errors.join('; ') || 'unusable model'}`)
      const declared = report.io!.xShape
      const channels = typeof declared[1] === 'number' ? declared[1] : 3
      const img = await readPng(v.image as string, channels)
      const [dh, dw] = [declared[2], declared[3]]
      if ((typeof dh === 'number' && dh !== img.h) || (typeof dw === 'number' && dw !== img.w)) fail(`--image is ${img.w}×${img.h}; the model needs ${dw}×${dh} (crop or resize it first)`)
      const shape: [number, number, number] = [channels, img.h, img.w]
      try {
        den = createOnnxDenoiser(bytes, { name: (v.model as string).split('/').pop(), sampleShape: shape })
      } catch (e) {
        if (e instanceof OnnxDenoiserError) fail(`${v.model}: ${e.message}`)
        throw e
      }
      const z = fillNormal(new Float32Array(img.data.length), uniform)
      xt = tf.tensor(img.data.map((e, i) => e + sigma * z[i]!), [1, ...shape])
      const rect = parseRect(v.rect, img.h, img.w)
      mask = tf.tensor(rectMask(shape, rect), [1, ...shape])
      config = { model: v.model, image: v.image, shape, rect }
      if (k > channels * (rect.x1 - rect.x0) * (rect.y1 - rect.y0)) fail(`--k ${k} exceeds the number of values in the patch`)
    }

    const t0 = performance.now()
    const products = jacobianProducts(den, xt, sigma, k, jacobian, fdStepFlag)
    let result
    try {
      result = await posteriorPcs(products, { k, iters, sigma, seed: seed + 1, mask, tol })
    } catch (e) {
      products.dispose()
      if (e instanceof PcsError) fail(e.message)
      throw e
    }
    const seconds = (performance.now() - t0) / 1000
    const denoised = Array.from(await products.denoised.data())
    let marginals: unknown
    if (v.moments) {
      marginals = []
      for (const vec of result.vectors) {
        const m = await marginalMoments(den, xt, products.denoised, vec, sigma)
        ;(marginals as unknown[]).push({ moments: m, maxent: fitMaxEnt(m) })
      }
    }
    const out = {
      eigenvalues: result.eigenvalues,
      vectors: result.vectors.map((r) => Array.from(r)),
      theta: result.theta,
      residuals: result.residuals,
      iterations: result.iterations,
      x_t: Array.from(await xt.data()),
      denoised,
      config: { ...config, sigma, k, iters, seed, jacobian, fd_step: products.step, backend, tol },
      seconds,
      ...(marginals ? { marginals } : {}),
    }
    products.dispose()
    tf.dispose([xt, ...(mask ? [mask] : [])])
    const text = JSON.stringify(out)
    if (v.out) writeFileSync(v.out, text)
    else process.stdout.write(text + '\n')
  },
}
export default command
