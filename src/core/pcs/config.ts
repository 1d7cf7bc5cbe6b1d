// The Posterior-PCs page's settings: one serialisable object for the page and the URL. Parsing never throws:
// out-of-range values are clamped and unknown ones replaced by defaults, each with a message the page shows.
import type { PcJacobian } from './products'
import { numberParam, type Range } from '../url/numberParam'

export interface PcRectConfig { x0: number; y0: number; x1: number; y1: number }

export interface PcsConfig {
  model: string
  /** A demo image path (demo/<kind>/<name>.png) or "upload". */
  image: string
  sigma: number
  seed: number
  k: number
  iters: number
  jacobian: PcJacobian
  /** The patch; null = the whole image. */
  rect: PcRectConfig | null
  /** The PC (0-based) whose 1-D marginal is drawn. */
  pc: number
}

export const PCS_DEFAULTS: PcsConfig = {
  model: 'cifar10-unet', image: 'demo/cifar/chelsea.png', sigma: 0.5, seed: 0, k: 3, iters: 50, jacobian: 'exact', rect: null, pc: 0,
}

const RANGES = {
  sigma: { min: 0.01, max: 10 },
  seed: { min: 0, max: 2 ** 31 - 1, int: true },
  k: { min: 1, max: 8, int: true },
  iters: { min: 1, max: 500, int: true },
  pc: { min: 1, max: 8, int: true },
} satisfies Record<string, Range>

function number(q: URLSearchParams, key: keyof typeof RANGES, fallback: number, messages: string[]): number {
  return numberParam(q, key, RANGES[key], fallback, messages)
}

/** Clamps a patch into an H×W image (at least 1×1); null (whole image) stays null. */
export function clampRect(r: PcRectConfig | null, h: number, w: number): PcRectConfig | null {
  if (!r) return null
  const x0 = Math.max(0, Math.min(w - 1, Math.floor(r.x0))), y0 = Math.max(0, Math.min(h - 1, Math.floor(r.y0)))
  const x1 = Math.max(x0 + 1, Math.min(w, Math.ceil(r.x1))), y1 = Math.max(y0 + 1, Math.min(h, Math.ceil(r.y1)))
  if (x0 === 0 && y0 === 0 && x1 === w && y1 === h) return null
  return { x0, y0, x1, y1 }
}

/** `?model=&image=&sigma=&seed=&k=&iters=&jac=exact|fd&rect=x0,y0,x1,y1&pc=1` → config + messages. */
export function parsePcsParams(search: string, models: readonly string[]): { config: PcsConfig; messages: string[] } {
  const q = new URLSearchParams(search)
  const messages: string[] = []
  const d = PCS_DEFAULTS
  const modelRaw = q.get('model') ?? d.model
  const model = models.length === 0 || models.includes(modelRaw) ? modelRaw : (models[0] ?? d.model)
  if (model !== modelRaw) messages.push(`Unknown model "${modelRaw}"; using ${model}.`)
  const imageRaw = q.get('image') ?? d.image
  const imageOk = /^(demo\/[a-z0-9]+\/[\w.-]+\.png|upload)$/i.test(imageRaw)
  if (!imageOk) messages.push(`The image "${imageRaw}" is not a demo image or "upload"; using the default.`)
  const jacRaw = q.get('jac') ?? d.jacobian
  const jacobian: PcJacobian = jacRaw === 'fd' ? 'fd' : 'exact'
  if (jacRaw !== jacobian) messages.push(`Unknown Jacobian mode "${jacRaw}"; use exact or fd. Using exact.`)
  let rect: PcRectConfig | null = null
  const rectRaw = q.get('rect')
  if (rectRaw !== null && rectRaw !== '' && rectRaw !== 'all') {
    const p = rectRaw.split(',').map(Number)
    if (p.length === 4 && p.every((v) => Number.isInteger(v) && v >= 0) && p[2]! > p[0]! && p[3]! > p[1]!) rect = { x0: p[0]!, y0: p[1]!, x1: p[2]!, y1: p[3]! }
    else messages.push(`rect=${rectRaw} must be x0,y0,x1,y1 with x0 < x1 and y0 < y1 (pixels); using the whole image.`)
  }
  const k = number(q, 'k', d.k, messages)
  let pc = number(q, 'pc', d.pc + 1, messages) - 1
  if (pc >= k) {
    messages.push(`pc=${pc + 1} is more than k = ${k}; using PC 1.`)
    pc = 0
  }
  return {
    config: {
      model, image: imageOk ? imageRaw : d.image,
      sigma: number(q, 'sigma', d.sigma, messages), seed: number(q, 'seed', d.seed, messages),
      k, iters: number(q, 'iters', d.iters, messages), jacobian, rect, pc,
    },
    messages,
  }
}

export function pcsParams(c: PcsConfig): URLSearchParams {
  const q = new URLSearchParams({ model: c.model, image: c.image, sigma: String(c.sigma), seed: String(c.seed), k: String(c.k), iters: String(c.iters), jac: c.jacobian })
  if (c.rect) q.set('rect', `${c.rect.x0},${c.rect.y0},${c.rect.x1},${c.rect.y1}`)
  if (c.pc > 0) q.set('pc', String(c.pc + 1))
  return q
}
