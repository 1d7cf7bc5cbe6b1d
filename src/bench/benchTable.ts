// Pure helpers of `npm run bench:engine`'s report: number formatting, ratio ranges, the issue-11 targets table
// with this run's numbers, and the command-line lists (--models=, --batches=). No I/O, no timing.
import type { ModelTiming } from './engineBench'
import type { OrtVjpTiming } from './ortVjpTiming'

/** Milliseconds with 3 significant-ish digits: 2.34, 45.6, 789. */
export function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return '—'
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)
}

/** "a/b×" with `digits` decimals; "—" when either is missing or b is 0. */
export function times(a: number | undefined, b: number | undefined, digits = 1): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—'
  return `${(a / b).toFixed(digits)}×`
}

/** The range of the finite values as "lo–hi" (one value when they agree at `digits`), "—" when none. */
export function span(values: readonly number[], digits = 2): string {
  const v = values.filter(Number.isFinite)
  if (v.length === 0) return '—'
  const lo = Math.min(...v).toFixed(digits)
  const hi = Math.max(...v).toFixed(digits)
  return lo === hi ? lo : `${lo}–${hi}`
}

/** Whether every ratio is within the limit: 'yes', 'no' (none is), or 'partly (k of n)'; '—' with no ratios. */
export function verdict(ratios: readonly number[], limit: number): string {
  const v = ratios.filter(Number.isFinite)
  if (v.length === 0) return '—'
  const ok = v.filter((r) => r <= limit).length
  return ok === v.length ? 'yes' : ok === 0 ? 'no' : `partly (${ok} of ${v.length})`
}

/** A comma list from the command line, each item one of `allowed`; a clear error otherwise. */
export function parseList(raw: string | undefined, allowed: readonly string[], flag: string): string[] {
  if (raw === undefined || raw === '') return [...allowed]
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const bad = items.filter((s) => !allowed.includes(s))
  if (bad.length > 0 || items.length === 0) throw new Error(`--${flag}=${raw}: ${bad.length > 0 ? `unknown ${bad.join(', ')}` : 'empty'}; choose from ${allowed.join(', ')}`)
  return [...new Set(items)]
}

/** --batches=1,4: positive integers (at most 64), in the order given, no repeats. */
export function parseBatches(raw: string | undefined, fallback: readonly number[]): number[] {
  if (raw === undefined || raw === '') return [...fallback]
  const items = raw.split(',').map((s) => s.trim())
  const out: number[] = []
  for (const s of items) {
    const n = Number(s)
    if (!/^\d+$/.test(s) || !Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--batches=${raw}: "${s}" is not a batch size (a whole number 1–64)`)
    if (!out.includes(n)) out.push(n)
  }
  return out
}

/** The ORT-VJP executor's timings on one runtime. */
export interface OrtVjpRun {
  label: string
  where: 'node' | 'browser'
  runtime: 'onnxruntime-node' | 'onnxruntime-web'
  threads: number
  t: OrtVjpTiming[]
}

export interface TargetInput {
  /** The run's ORT-node (1 intra-op thread) forward reference by "model/batch", ms. */
  ort: ReadonlyMap<string, number>
  /** tfjs executor on tfjs-wasm, Node and browser. */
  tfjsNode?: readonly ModelTiming[]
  tfjsBrowser?: readonly ModelTiming[]
  ortVjp: readonly OrtVjpRun[]
  /** The label of the interleaved 1-thread ORT-node reference in OrtVjpTiming.refMs. */
  refLabel: string
}

export interface TargetRow {
  target: string
  subject: string
  /** The ratios' range, e.g. "1.28–1.83×". */
  value: string
  met: string
}

const key = (m: string, b: number): string => `${m}/${b}`

/**
 * The issue-11 targets with one run's numbers: forward ≤ 2.5× ORT-node (1 thread), VJP ≤ 2× its own forward, the
 * browser's wasm within 1.3× of Node's (forward; VJP alongside). The ORT-VJP executor's forward is its forward with
 * saved activations, against the ORT-node forward timed in the same rounds when there is one (Node), else the run's
 * reference; the browser ORT-VJP executor is compared with Node's onnxruntime-web at the same thread count (or the
 * nearest below).
 */
export function targetRows(inp: TargetInput): TargetRow[] {
  const rows: TargetRow[] = []
  const add = (target: string, subject: string, ratios: number[], limit: number): void => {
    if (ratios.length === 0) return
    rows.push({ target, subject, value: `${span(ratios)}×`, met: verdict(ratios, limit) })
  }
  const fwdTarget = 'forward ≤ 2.5× ORT-node (1 thr)'
  const vjpTarget = 'VJP ≤ 2× own forward'
  const brTarget = 'browser wasm ≤ 1.3× Node (forward)'
  const brVjp = 'browser wasm ≤ 1.3× Node (VJP)'
  const vsOrt = (ts: readonly ModelTiming[]): number[] => ts.flatMap((t) => {
    const o = inp.ort.get(key(t.model, t.batch))
    return o === undefined ? [] : [t.forwardMs / o]
  })
  const vjpOwn = (ts: readonly { forwardMs: number; vjpMs: number }[]): number[] => ts.map((t) => t.vjpMs / t.forwardMs)
  const pair = <T extends ModelTiming | OrtVjpTiming>(a: readonly T[], b: readonly T[], f: (t: T) => number): number[] => a.flatMap((x) => {
    const y = b.find((t) => t.model === x.model && t.batch === x.batch)
    return y ? [f(x) / f(y)] : []
  })
  if (inp.tfjsNode) {
    add(fwdTarget, 'tfjs-wasm, Node', vsOrt(inp.tfjsNode), 2.5)
  }
  if (inp.tfjsBrowser) add(fwdTarget, 'tfjs-wasm, browser', vsOrt(inp.tfjsBrowser), 2.5)
  for (const r of inp.ortVjp) {
    add(fwdTarget, `ORT-VJP, ${r.where} ${r.runtime} (${r.threads} thr)`, r.t.flatMap((t) => {
      const o = t.refMs[inp.refLabel] ?? inp.ort.get(key(t.model, t.batch))
      return o === undefined ? [] : [t.forwardMs / o]
    }), 2.5)
  }
  if (inp.tfjsNode) add(vjpTarget, 'tfjs-wasm, Node', vjpOwn(inp.tfjsNode), 2)
  if (inp.tfjsBrowser) add(vjpTarget, 'tfjs-wasm, browser', vjpOwn(inp.tfjsBrowser), 2)
  for (const r of inp.ortVjp) add(vjpTarget, `ORT-VJP, ${r.where} ${r.runtime} (${r.threads} thr)`, vjpOwn(r.t), 2)
  if (inp.tfjsNode && inp.tfjsBrowser) {
    add(brTarget, 'tfjs-wasm: browser / Node', pair(inp.tfjsBrowser, inp.tfjsNode, (t) => t.forwardMs), 1.3)
    add(brVjp, 'tfjs-wasm: browser / Node', pair(inp.tfjsBrowser, inp.tfjsNode, (t) => t.vjpMs), 1.3)
  }
  const nodeWeb = inp.ortVjp.filter((r) => r.where === 'node' && r.runtime === 'onnxruntime-web')
  for (const b of inp.ortVjp.filter((r) => r.where === 'browser')) {
    const below = nodeWeb.filter((n) => n.threads <= b.threads).sort((x, y) => y.threads - x.threads)[0]
    const n = below ?? [...nodeWeb].sort((x, y) => x.threads - y.threads)[0]
    if (!n) continue
    const what = `ORT-VJP onnxruntime-web: browser (${b.threads} thr) / Node (${n.threads} thr)`
    add(brTarget, what, pair(b.t, n.t, (t) => t.forwardMs), 1.3)
    add(brVjp, what, pair(b.t, n.t, (t) => t.vjpMs), 1.3)
  }
  return rows
}

export function targetsMarkdown(rows: readonly TargetRow[]): string {
  return ['| target | executor / where | this run (min–max over models × batches) | met? |', '|---|---|---|---|', ...rows.map((r) => `| ${r.target} | ${r.subject} | ${r.value} | ${r.met} |`)].join('\n')
}
