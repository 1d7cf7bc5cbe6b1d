// The studio's run configuration: one serialisable object shared by the page, the URL, the worker and the
// benchmark. Parsing never throws: out-of-range values are clamped and unknown ones replaced by defaults,
// each with a message the page shows (issue 6: "clamped or rejected with a visible message").
import type { MethodName } from '../posterior/method'
import type { SolverName } from '../linalg/krylov'
import { numberParam, type Range } from '../url/numberParam'

export type CorruptionKind = 'random' | 'box' | 'blur' | 'sr' | 'mri'
export type JacobianChoice = 'exact' | 'fd'
export type StudioSampler = 'ddpm' | 'ddim'

export interface Corruption {
  kind: CorruptionKind
  /** random: fraction of pixels deleted. */
  missing: number
  /** box: side in pixels; top/left of the box (−1 = random from the seed, 16-px-margin rule scaled). */
  box: number
  top: number
  left: number
  /** blur: kernel size and intensity (§7, [MB]); the kernel comes from the seed. */
  kernel: number
  intensity: number
  /** sr: down-sampling factor. */
  factor: 2 | 4
  /** mri: acceleration R. */
  accel: number
  /** Seed of the operator (mask, box position, blur kernel, k-space lines) and of the observation noise;
   *  −1 = the run's seed. Fixing it keeps one observation while the sampling seed varies. */
  opSeed: number
}

export interface MethodSpec {
  name: MethodName
  solver: SolverName
  iters: number
}

export interface StudioConfig {
  model: string
  image: string
  corruption: Corruption
  sigmaY: number
  methods: MethodSpec[]
  steps: number
  sampler: StudioSampler
  seed: number
  samples: number
  jacobian: JacobianChoice
}

export const METHOD_DEFAULTS: Record<MethodName, MethodSpec> = {
  dps: { name: 'dps', solver: 'cg', iters: 0 },
  pigdm: { name: 'pigdm', solver: 'gmres', iters: 5 },
  tmpd: { name: 'tmpd', solver: 'gmres', iters: 5 },
  diffpir: { name: 'diffpir', solver: 'gmres', iters: 5 },
  mmps: { name: 'mmps', solver: 'cg', iters: 1 },
}

export const DEFAULT_CORRUPTION: Corruption = { kind: 'random', missing: 0.75, box: 16, top: -1, left: -1, kernel: 9, intensity: 0.5, factor: 4, accel: 4, opSeed: -1 }

/**
 * The default shows the paper's point on a first run: random inpainting (75 % missing, σ_y = 1e-3) at 10 steps,
 * all five methods. Measured with bench:studio (8 CIFAR-10 test images, tfjs-wasm, 2-core VM, 2026-12-01):
 * MMPS (CG 3) 22.65 dB, TMPD 17.19, ΠGDM 17.05, DiffPIR 15.39, DPS 13.50 — MMPS +5.60 ± 0.64 dB over ΠGDM, paired;
 * docs/results.md has the same pattern on 16 images (+4.96 ± 0.32). On the old default (box 16, 32 steps) MMPS was
 * within noise of ΠGDM. At 10 steps the run stays short (≈ 7 s of compute per sample in Node for all five).
 */
export const DEFAULT_CONFIG: StudioConfig = {
  model: 'cifar10-unet',
  image: 'demo/cifar/chelsea.png',
  corruption: DEFAULT_CORRUPTION,
  sigmaY: 1e-3,
  methods: [METHOD_DEFAULTS.dps, METHOD_DEFAULTS.pigdm, METHOD_DEFAULTS.tmpd, METHOD_DEFAULTS.diffpir, { ...METHOD_DEFAULTS.mmps, iters: 3 }],
  steps: 10,
  sampler: 'ddpm',
  seed: 0,
  samples: 2,
  jacobian: 'exact',
}

/** §7 tasks at 32×32 (§11 lessons 3–4: σ_y in [−2, 2] units, 75 % missing), plus [B]'s literal settings. */
export interface StudioPreset {
  label: string
  patch: Partial<Omit<StudioConfig, 'corruption'>> & { corruption: Partial<Corruption> }
}

export const STUDIO_PRESETS: Record<string, StudioPreset> = {
  box: { label: 'Box inpainting 16×16, σ_y = 0.02', patch: { corruption: { kind: 'box', box: 16 }, sigmaY: 0.02 } },
  'box-hard': { label: 'Harder box: 24×24 of 32×32 missing, σ_y = 0.02', patch: { corruption: { kind: 'box', box: 24 }, sigmaY: 0.02 } },
  random: { label: 'Random inpainting 75 % missing, σ_y = 1e-3', patch: { corruption: { kind: 'random', missing: 0.75 }, sigmaY: 1e-3 } },
  blur: { label: 'Motion blur (intensity 0.5), σ_y = 0.2', patch: { corruption: { kind: 'blur', kernel: 9, intensity: 0.5 }, sigmaY: 0.2 } },
  sr: { label: 'Super-resolution ×4, σ_y = 0.2', patch: { corruption: { kind: 'sr', factor: 4 }, sigmaY: 0.2 } },
  'b-box': { label: "[B]'s box setting: σ_y = 2 (noise-dominated at 32×32)", patch: { corruption: { kind: 'box', box: 16 }, sigmaY: 2 } },
  'b-random': { label: "[B]'s random setting: 98 % missing, σ_y = 0.02", patch: { corruption: { kind: 'random', missing: 0.98 }, sigmaY: 0.02 } },
  mri4: { label: 'MRI ×4 (R = 4), σ_y = 0.01', patch: { model: 'mri-unet', image: 'demo/mri/colin27-z065mm.png', corruption: { kind: 'mri', accel: 4 }, sigmaY: 0.01 } },
  mri8: { label: 'MRI ×8 (R = 8), σ_y = 0.01', patch: { model: 'mri-unet', image: 'demo/mri/colin27-z065mm.png', corruption: { kind: 'mri', accel: 8 }, sigmaY: 0.01 } },
  // models/mnist-unet on a held-out 3 with the box over its middle: the posterior keeps both readings
  // (closed loops: an 8; open: a 3), so the samples differ where the data cannot decide (checked in the browser)
  'digit-box': { label: 'Digit, box over the middle (a 3 or an 8?), σ_y = 0.02', patch: { model: 'mnist-unet', image: 'demo/digits/three-3293.png', corruption: { kind: 'box', box: 12, top: 8, left: 8 }, sigmaY: 0.02, samples: 4, steps: 32 } },
}

/** The seed of the operator and of the observation noise: the corruption's own, or the run's. */
export function problemSeed(c: Pick<StudioConfig, 'corruption' | 'seed'>): number {
  return c.corruption.opSeed >= 0 ? c.corruption.opSeed : c.seed
}

/** Two configurations pose the same inverse problem (same operator and observation of the same image). */
export function sameProblem(a: StudioConfig, b: StudioConfig): boolean {
  const ka = { ...a.corruption, opSeed: problemSeed(a) }, kb = { ...b.corruption, opSeed: problemSeed(b) }
  return a.model === b.model && a.image === b.image && a.sigmaY === b.sigmaY && JSON.stringify(ka) === JSON.stringify(kb)
}

export function applyPreset(c: StudioConfig, key: string): StudioConfig {
  const p = STUDIO_PRESETS[key]
  if (!p) return c
  return { ...c, ...p.patch, corruption: { ...c.corruption, ...p.patch.corruption } }
}

const METHOD_NAMES: MethodName[] = ['dps', 'pigdm', 'tmpd', 'diffpir', 'mmps']
const KINDS: CorruptionKind[] = ['random', 'box', 'blur', 'sr', 'mri']

const RANGES = {
  sigmaY: { min: 1e-4, max: 4 },
  steps: { min: 2, max: 1000, int: true },
  seed: { min: 0, max: 2 ** 31 - 1, int: true },
  samples: { min: 1, max: 16, int: true },
  missing: { min: 0.01, max: 0.99 },
  box: { min: 2, max: 64, int: true },
  top: { min: -1, max: 63, int: true },
  left: { min: -1, max: 63, int: true },
  kernel: { min: 3, max: 31, int: true },
  intensity: { min: 0, max: 1 },
  accel: { min: 1, max: 16 },
  opseed: { min: -1, max: 2 ** 31 - 1, int: true },
  iters: { min: 1, max: 32, int: true },
} satisfies Record<string, Range>

export interface ParseResult {
  config: StudioConfig
  messages: string[]
}

function number(q: URLSearchParams, key: keyof typeof RANGES, fallback: number, messages: string[]): number {
  return numberParam(q, key, RANGES[key], fallback, messages)
}

/** Methods as `mmps:cg:3,dps,pigdm:gmres:5`. */
function parseMethods(raw: string | null, messages: string[]): MethodSpec[] {
  if (raw === null || raw === '') return DEFAULT_CONFIG.methods
  const out: MethodSpec[] = []
  for (const part of raw.split(',')) {
    const [name = '', solver, iters] = part.split(':')
    if (!(METHOD_NAMES as string[]).includes(name)) {
      messages.push(`Unknown method "${name}" ignored; methods are ${METHOD_NAMES.join(', ')}.`)
      continue
    }
    const base = METHOD_DEFAULTS[name as MethodName]
    const spec = { ...base }
    if (solver !== undefined) {
      if (solver === 'cg' || solver === 'gmres') spec.solver = solver
      else messages.push(`Unknown solver "${solver}" for ${name}; using ${base.solver}.`)
    }
    if (iters !== undefined && name !== 'dps') {
      const q = new URLSearchParams({ iters })
      spec.iters = number(q, 'iters', base.iters, messages)
    }
    if (out.some((m) => m.name === spec.name && m.solver === spec.solver && m.iters === spec.iters)) continue
    out.push(spec)
  }
  if (out.length === 0) {
    messages.push('No valid method in the URL; using the defaults.')
    return DEFAULT_CONFIG.methods
  }
  return out.slice(0, 8)
}

export function formatMethods(ms: readonly MethodSpec[]): string {
  return ms.map((m) => (m.name === 'dps' ? 'dps' : `${m.name}:${m.solver}:${m.iters}`)).join(',')
}

/** Every key the studio reads, and the shell's. */
export const STUDIO_KEYS = ['model', 'image', 'task', 'missing', 'box', 'top', 'left', 'kernel', 'intensity', 'factor', 'accel', 'opseed', 'sigmaY', 'methods', 'steps', 'sampler', 'seed', 'samples', 'jacobian'] as const
const SHELL_KEYS = ['backend']
/** Keys people guess for settings that live inside another one. */
const HINTS: Record<string, string> = {
  k: 'MMPS\'s solver iterations k go inside methods=, e.g. methods=mmps:cg:3',
  iters: 'solver iterations go inside methods=, e.g. methods=mmps:cg:3',
  solver: 'the solver goes inside methods=, e.g. methods=mmps:gmres:3',
  method: 'did you mean methods= (e.g. methods=dps,mmps:cg:3)?',
  sigma: 'did you mean sigmaY (the observation noise σ_y)?',
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!
    d[0] = i
    for (let j = 1; j <= b.length; j++) {
      const t = d[j]!
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = t
    }
  }
  return d[b.length]!
}

/** A near-miss key: same letters up to case, '_' and '-', or within two edits of a key of 4+ letters. */
export function suggestKey(key: string): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[_\-. ]/g, '')
  const all = [...STUDIO_KEYS, ...SHELL_KEYS]
  const same = all.find((k) => norm(k) === norm(key))
  if (same) return same
  if (key.length < 4) return undefined
  let best: string | undefined, bestD = 3
  for (const k of all) {
    const dist = editDistance(norm(key), norm(k))
    if (dist < bestD) { best = k; bestD = dist }
  }
  return best
}

function unknownKeys(q: URLSearchParams, messages: string[]): void {
  const known = new Set<string>([...STUDIO_KEYS, ...SHELL_KEYS])
  const seen = new Set<string>()
  for (const [key, value] of q) {
    const shownValue = value.length > 24 ? `${value.slice(0, 21)}…` : value
    const shownKey = key.length > 24 ? `${key.slice(0, 21)}…` : key
    if (known.has(key)) {
      if (seen.has(key)) messages.push(`${key}= appears more than once; using the first (${q.get(key)}), ignoring ${key}=${shownValue}.`)
      seen.add(key)
      continue
    }
    const hint = HINTS[key.toLowerCase()]
    const near = hint ? undefined : suggestKey(key)
    const why = hint ?? (near ? `did you mean ${near}?` : `the studio's settings are ${STUDIO_KEYS.join(', ')}`)
    messages.push(`Ignored "${shownKey}=${shownValue}": unknown setting; ${why}.`.replace(/\?\.$/, (m) => (m === '?.' ? '?' : '.')))
  }
}

export function parseStudioParams(search: string, models: readonly string[]): ParseResult {
  const q = new URLSearchParams(search)
  const messages: string[] = []
  unknownKeys(q, messages)
  const d = DEFAULT_CONFIG
  const model = q.get('model') ?? d.model
  const modelOk = models.length === 0 || models.includes(model)
  if (!modelOk) messages.push(`Unknown model "${model}"; using ${models[0] ?? d.model}.`)
  const kindRaw = q.get('task') ?? d.corruption.kind
  const kind = (KINDS as string[]).includes(kindRaw) ? (kindRaw as CorruptionKind) : d.corruption.kind
  if (kind !== kindRaw) messages.push(`Unknown corruption "${kindRaw}"; using ${kind}.`)
  const factorRaw = q.get('factor')
  const factor = factorRaw === null ? d.corruption.factor : factorRaw === '2' ? 2 : 4
  if (factorRaw !== null && factorRaw !== '2' && factorRaw !== '4') messages.push(`factor=${factorRaw} must be 2 or 4; using 4.`)
  const samplerRaw = q.get('sampler') ?? d.sampler
  const sampler = samplerRaw === 'ddim' ? 'ddim' : 'ddpm'
  if (samplerRaw !== sampler) messages.push(`Unknown sampler "${samplerRaw}"; using ddpm.`)
  const jacRaw = q.get('jacobian') ?? d.jacobian
  const jacobian = jacRaw === 'fd' ? 'fd' : 'exact'
  if (jacRaw !== jacobian) messages.push(`Unknown Jacobian mode "${jacRaw}"; using exact.`)
  const image = q.get('image') ?? d.image
  const imageOk = /^(demo\/[a-z0-9]+\/[\w.-]+\.png|upload|sample)$/i.test(image)
  if (!imageOk) messages.push(`The image "${image}" is not a demo image, "upload" or "sample"; using the default.`)
  const config: StudioConfig = {
    model: modelOk ? model : (models[0] ?? d.model),
    image: imageOk ? image : d.image,
    corruption: {
      kind,
      missing: number(q, 'missing', d.corruption.missing, messages),
      box: number(q, 'box', d.corruption.box, messages),
      top: number(q, 'top', d.corruption.top, messages),
      left: number(q, 'left', d.corruption.left, messages),
      kernel: number(q, 'kernel', d.corruption.kernel, messages),
      intensity: number(q, 'intensity', d.corruption.intensity, messages),
      factor,
      accel: number(q, 'accel', d.corruption.accel, messages),
      opSeed: number(q, 'opseed', d.corruption.opSeed, messages),
    },
    sigmaY: number(q, 'sigmaY', d.sigmaY, messages),
    methods: parseMethods(q.get('methods'), messages),
    steps: number(q, 'steps', d.steps, messages),
    sampler,
    seed: number(q, 'seed', d.seed, messages),
    samples: number(q, 'samples', d.samples, messages),
    jacobian,
  }
  return { config, messages }
}

export function studioParams(c: StudioConfig): URLSearchParams {
  const k = c.corruption
  const q = new URLSearchParams({ model: c.model, image: c.image, task: k.kind })
  if (k.kind === 'random') q.set('missing', String(k.missing))
  if (k.kind === 'box') { q.set('box', String(k.box)); q.set('top', String(k.top)); q.set('left', String(k.left)) }
  if (k.kind === 'blur') { q.set('kernel', String(k.kernel)); q.set('intensity', String(k.intensity)) }
  if (k.kind === 'sr') q.set('factor', String(k.factor))
  if (k.kind === 'mri') q.set('accel', String(k.accel))
  if (k.opSeed >= 0) q.set('opseed', String(k.opSeed))
  q.set('sigmaY', String(c.sigmaY))
  q.set('methods', formatMethods(c.methods))
  q.set('steps', String(c.steps))
  q.set('sampler', c.sampler)
  q.set('seed', String(c.seed))
  q.set('samples', String(c.samples))
  q.set('jacobian', c.jacobian)
  return q
}
