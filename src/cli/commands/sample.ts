// `npm run cli -- sample --problem p.json --method mmps --solver cg --iters 16 --steps 128 --samples 4096
//  --seed 3 --out out.json [--sampler ddpm|ddim|pc] [--backend wasm|cpu] [--jacobian exact|finite-difference]`
// Posterior samples for a vector problem with an analytic prior (Gaussian or GMM) and a dense operator.
// Problem JSON: {"prior": {"type": "gaussian", "mean": [...], "cov": [[...]]} | {"type": "gmm", "weights",
// "means", "covs"}, "operator": {"type": "dense", "A": [[...]]}, "sigma_y": s, "y": [...]}; unknown fields are
// ignored. Output {"config", "cost": {"forward", "vjp", "seconds"}, "samples": [[...], ...]}.
// Bad input → one line naming the field, exit 2. Seeded: one --seed fixes every draw (see linalg/random.ts).
import { readFileSync, writeFileSync } from 'node:fs'
import { CliError, intFlag, parseFlags, type Command } from '../command'
import { fromRows, isSPD, type Mat } from '../../core/linalg/dense'
import type { SamplerName } from '../../core/diffusion/sampler'
import type { Denoiser } from '../../core/types'

// tfjs and everything holding tensors load only after the input has been validated (bad input fails fast)
const METHODS = ['dps', 'pigdm', 'tmpd', 'diffpir', 'mmps'] as const
type Method = (typeof METHODS)[number]

const fail = (msg: string): never => { throw new CliError(msg) }

function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}: expected a finite number, got ${JSON.stringify(v) ?? 'nothing'}`)
  return v as number
}
function vec(v: unknown, path: string, len?: number): number[] {
  if (!Array.isArray(v)) return fail(`${path}: missing or not an array`)
  if (len !== undefined && v.length !== len) fail(`${path}: expected length ${len}, got ${v.length}`)
  if (v.length === 0) fail(`${path}: empty`)
  return v.map((e, i) => num(e, `${path}[${i}]`))
}
function mat(v: unknown, path: string, rows?: number, cols?: number): number[][] {
  if (!Array.isArray(v)) return fail(`${path}: missing or not an array of rows`)
  if (rows !== undefined && v.length !== rows) fail(`${path}: expected ${rows} rows, got ${v.length}`)
  const first = Array.isArray(v[0]) ? (v[0] as unknown[]).length : 0
  return v.map((r, i) => vec(r, `${path}[${i}]`, cols ?? first))
}
function spd(v: unknown, path: string, n: number): Mat {
  const m = fromRows(mat(v, path, n, n))
  if (!isSPD(m, n)) fail(`${path}: not symmetric positive definite`)
  return m
}
function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${path}: missing or not an object`)
  return v as Record<string, unknown>
}

interface Problem { makeDenoiser: () => Promise<Denoiser>; n: number; a: Float64Array; m: number; sigmaY: number; y: number[]; prior: string }

export interface ParsedPrior { makeDenoiser: () => Promise<Denoiser>; n: number; prior: string; spec: { type: 'gaussian'; mean: number[]; cov: Mat } | { type: 'gmm'; weights: number[]; means: number[][]; covs: Mat[] } }

/** The prior part of a problem file (also used by the `pcs` command). */
export function parsePrior(raw: unknown): ParsedPrior {
  const prior = obj(raw, 'prior')
  let spec: ParsedPrior['spec']
  let makeDenoiser: () => Promise<Denoiser>, n: number
  if (prior.type === 'gaussian') {
    const mean = vec(prior.mean, 'prior.mean')
    n = mean.length
    const cov = spd(prior.cov, 'prior.cov', n)
    makeDenoiser = async () => new (await import('../../core/priors/gaussian')).GaussianPriorDenoiser({ mean: Float64Array.from(mean), cov })
    spec = { type: 'gaussian', mean, cov }
  } else if (prior.type === 'gmm') {
    const weights = vec(prior.weights, 'prior.weights')
    weights.forEach((w, i) => { if (!(w > 0)) fail(`prior.weights[${i}]: must be positive`) })
    const k = weights.length
    const means = mat(prior.means, 'prior.means', k)
    n = means[0].length
    if (!Array.isArray(prior.covs) || prior.covs.length !== k) fail(`prior.covs: expected ${k} matrices`)
    const covs = (prior.covs as unknown[]).map((c, i) => spd(c, `prior.covs[${i}]`, n))
    const z = weights.reduce((s, w) => s + w, 0)
    makeDenoiser = async () => new (await import('../../core/priors/gmm')).GmmPriorDenoiser({ weights: Float64Array.from(weights, (w) => w / z), means: means.map((r) => Float64Array.from(r)), covs })
    spec = { type: 'gmm', weights: weights.map((w) => w / z), means, covs }
  } else {
    return fail(`prior.type: expected "gaussian" or "gmm", got ${JSON.stringify(prior.type) ?? 'nothing'}`)
  }
  return { makeDenoiser, n, prior: prior.type as string, spec }
}

export function parseProblem(raw: unknown): Problem {
  const p = obj(raw, 'problem')
  const { makeDenoiser, n, prior } = parsePrior(p.prior)
  const op = obj(p.operator, 'operator')
  if (op.type !== 'dense') fail(`operator.type: expected "dense", got ${JSON.stringify(op.type) ?? 'nothing'}`)
  const A = mat(op.A, 'operator.A', undefined, n)
  const m = A.length
  const sigmaY = num(p.sigma_y, 'sigma_y')
  if (!(sigmaY > 0)) fail('sigma_y: must be positive')
  const y = vec(p.y, 'y', m)
  return { makeDenoiser, n, a: Float64Array.from(A.flat()), m, sigmaY, y, prior }
}

const command: Command = {
  summary: 'posterior samples for a Gaussian/GMM prior and a dense linear observation',
  usage: [
    'usage: sample --problem p.json [--method dps|pigdm|tmpd|diffpir|mmps] [--solver cg|gmres] [--iters N] [--steps N]',
    '              [--samples N] [--seed N] [--sampler ddpm|ddim|pc] [--jacobian exact|finite-difference] [--backend wasm|cpu] [--out out.json]',
    '  --problem   JSON: {"prior": {"type": "gaussian", "mean", "cov"} | {"type": "gmm", "weights", "means", "covs"},',
    '              "operator": {"type": "dense", "A"}, "sigma_y", "y"} (required)',
    '  --method    posterior method (default mmps)',
    '  --solver    linear solver of MMPS/ΠGDM/TMPD (default cg for mmps, else gmres)',
    '  --iters     solver iterations, ≥ 1 (default 1 for mmps, else 5)',
    '  --steps     sampler steps, ≥ 1 (default 64)',
    '  --samples   posterior samples, ≥ 1 (default 1024)',
    '  --seed      one seed for every draw, ≥ 0 (default 0)',
    '  --sampler   ddpm, ddim or pc (default ddpm)',
    '  --jacobian  exact (autodiff) or finite-difference (forward passes only) (default exact)',
    '  --backend   tfjs backend in Node: wasm or cpu (default wasm)',
    '  --out       write the JSON there instead of stdout',
  ].join('\n'),
  async run(args) {
    const values = parseFlags(args, ['problem', 'method', 'solver', 'iters', 'steps', 'samples', 'seed', 'out', 'sampler', 'backend', 'jacobian'])
    if (!values.problem) fail('--problem is required (a JSON file)')
    const method = values.method ?? 'mmps'
    if (!(METHODS as readonly string[]).includes(method)) fail(`--method must be one of ${METHODS.join(', ')}, got "${method}"`)
    const solver = (values.solver ?? (method === 'mmps' ? 'cg' : 'gmres')) as 'cg' | 'gmres'
    if (solver !== 'cg' && solver !== 'gmres') fail(`--solver must be cg or gmres, got "${solver}"`)
    const sampler = (values.sampler ?? 'ddpm') as SamplerName
    if (!['ddpm', 'ddim', 'pc'].includes(sampler)) fail(`--sampler must be ddpm, ddim or pc, got "${sampler}"`)
    const jacobian = values.jacobian ?? 'exact'
    if (jacobian !== 'exact' && jacobian !== 'finite-difference') fail(`--jacobian must be exact or finite-difference, got "${jacobian}"`)
    const iters = intFlag('iters', values.iters, method === 'mmps' ? 1 : 5, 1)
    const steps = intFlag('steps', values.steps, 64, 1)
    const samples = intFlag('samples', values.samples, 1024, 1)
    const seed = intFlag('seed', values.seed, 0, 0)
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(values.problem as string, 'utf8'))
    } catch (e) {
      fail(`--problem ${values.problem}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
    }
    const problem = parseProblem(raw)
    const tf = await import('@tensorflow/tfjs')
    const { useNodeBackend } = await import('../nodeTf')
    const { DenseOperator } = await import('../../core/operators/dense')
    const { posteriorDenoiser } = await import('../../core/posterior/registry')
    const { sample } = await import('../../core/diffusion/sampler')
    const backend = await useNodeBackend(values.backend)
    const exact = await problem.makeDenoiser()
    // --jacobian finite-difference: Jacobian products from central differences of forward passes (as a
    // forward-only engine would get them); `cost.forward` then counts those extra forwards too
    const denoiser = jacobian === 'exact' ? exact : new (await import('../../core/denoisers/finiteDifference')).FiniteDifferenceDenoiser(exact)
    const operator = new DenseOperator(problem.a, problem.m, problem.n)
    const y = tf.tensor2d([problem.y])
    const pd = posteriorDenoiser(method as Method, { denoiser, operator, y, sigmaY: problem.sigmaY }, { solver, iters })
    const t0 = performance.now()
    const out = await sample(pd.fn, [samples, problem.n], { steps, sampler, seed })
    const values2 = (await out.array()) as number[][]
    const seconds = (performance.now() - t0) / 1000
    tf.dispose([out, y]); operator.dispose()
    const cost = pd.cost()
    const config = {
      method, solver: method === 'dps' ? null : solver, iters: method === 'dps' ? null : iters, steps, sampler, samples, seed,
      prior: problem.prior, dim: problem.n, observations: problem.m, sigma_y: problem.sigmaY,
      jacobian: denoiser.jacobian, backend, schedule: { a: 1e-3, b: 1e2 },
    }
    const text = JSON.stringify({ config, cost: { forward: cost.forward, vjp: cost.vjp, seconds }, samples: values2 })
    if (values.out) writeFileSync(values.out, text)
    else process.stdout.write(text + '\n')
  },
}
export default command
