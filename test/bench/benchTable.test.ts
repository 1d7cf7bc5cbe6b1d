import { describe, expect, it } from 'vitest'
import { fmtMs, parseBatches, parseList, span, targetRows, targetsMarkdown, times, verdict, type OrtVjpRun } from '../../src/bench/benchTable'
import type { OrtVjpTiming } from '../../src/bench/ortVjpTiming'

const ovt = (model: string, batch: number, forwardMs: number, vjpMs: number, ref?: number): OrtVjpTiming =>
  ({ model, batch, initMs: 1000, refMs: ref === undefined ? {} : { 'ORT-node 1 thr': ref }, plainMs: forwardMs / 2, forwardMs, vjpMs })

describe('bench table formatting', () => {
  it('formats milliseconds by magnitude and a missing value as a dash', () => {
    expect([fmtMs(2.345), fmtMs(45.67), fmtMs(789.4), fmtMs(NaN)]).toEqual(['2.35', '45.7', '789', '—'])
  })
  it('writes ratios, and a dash when the denominator is missing or zero', () => {
    expect(times(30, 12)).toBe('2.5×')
    expect(times(30, 12, 2)).toBe('2.50×')
    expect(times(30, undefined)).toBe('—')
    expect(times(30, 0)).toBe('—')
  })
  it('gives the range of the finite values', () => {
    expect(span([1.83, 1.28, 1.5])).toBe('1.28–1.83')
    expect(span([2, 2.001])).toBe('2.00')
    expect(span([NaN])).toBe('—')
  })
  it('says met, not met or partly met against a limit', () => {
    expect(verdict([1, 2.5], 2.5)).toBe('yes')
    expect(verdict([2.6, 3], 2.5)).toBe('no')
    expect(verdict([1, 3, 2], 2.5)).toBe('partly (2 of 3)')
    expect(verdict([], 2.5)).toBe('—')
  })
})

describe('command-line lists', () => {
  it('defaults to all, keeps the order, drops repeats and names the unknown item', () => {
    expect(parseList(undefined, ['a', 'b'], 'models')).toEqual(['a', 'b'])
    expect(parseList('b,a,b', ['a', 'b'], 'models')).toEqual(['b', 'a'])
    expect(() => parseList('a,c', ['a', 'b'], 'models')).toThrow('--models=a,c: unknown c; choose from a, b')
  })
  it('parses batch sizes and rejects what is not one', () => {
    expect(parseBatches(undefined, [1, 4])).toEqual([1, 4])
    expect(parseBatches('4,1,4', [1])).toEqual([4, 1])
    expect(() => parseBatches('1,0', [1])).toThrow('"0" is not a batch size')
    expect(() => parseBatches('2.5', [1])).toThrow('"2.5" is not a batch size')
  })
})

describe('targetRows', () => {
  const ort = new Map([['m/1', 10], ['m/4', 40]])
  const nodeWeb = (threads: number, fwd: number[]): OrtVjpRun => ({ label: 'n', where: 'node', runtime: 'onnxruntime-web', threads, t: [ovt('m', 1, fwd[0] as number, 30, 12), ovt('m', 4, fwd[1] as number, 100, 50)] })
  const rows = targetRows({
    ort,
    tfjsNode: [{ model: 'm', batch: 1, forwardMs: 20, vjpMs: 30 }, { model: 'm', batch: 4, forwardMs: 160, vjpMs: 400 }],
    tfjsBrowser: [{ model: 'm', batch: 1, forwardMs: 30, vjpMs: 30 }, { model: 'm', batch: 4, forwardMs: 160, vjpMs: 400 }],
    ortVjp: [
      nodeWeb(1, [24, 100]),
      nodeWeb(2, [20, 80]),
      { label: 'b', where: 'browser', runtime: 'onnxruntime-web', threads: 2, t: [ovt('m', 1, 22, 20), ovt('m', 4, 120, 100)] },
    ],
    refLabel: 'ORT-node 1 thr',
  })
  const row = (target: string, subject: string) => rows.find((r) => r.target.startsWith(target) && r.subject === subject)
  it('compares the tfjs forward with the run reference', () => {
    expect(row('forward', 'tfjs-wasm, Node')).toEqual({ target: 'forward ≤ 2.5× ORT-node (1 thr)', subject: 'tfjs-wasm, Node', value: '2.00–4.00×', met: 'partly (1 of 2)' })
    expect(row('VJP', 'tfjs-wasm, Node')?.value).toBe('1.50–2.50×')
    expect(row('browser wasm ≤ 1.3× Node (forward)', 'tfjs-wasm: browser / Node')).toMatchObject({ value: '1.00–1.50×', met: 'partly (1 of 2)' })
  })
  it('uses the interleaved reference for the Node ORT-VJP executor and the run reference in the browser', () => {
    // 24/12, 100/50; and the browser: 22/10, 120/40
    expect(row('forward', 'ORT-VJP, node onnxruntime-web (1 thr)')).toMatchObject({ value: '2.00×', met: 'yes' })
    expect(row('forward', 'ORT-VJP, browser onnxruntime-web (2 thr)')).toMatchObject({ value: '2.20–3.00×', met: 'partly (1 of 2)' })
  })
  it('compares the browser ORT-VJP executor with Node at the same thread count', () => {
    // 22/20, 120/80 against the 2-thread Node run (not 22/24, 120/100)
    expect(row('browser wasm ≤ 1.3× Node (forward)', 'ORT-VJP onnxruntime-web: browser (2 thr) / Node (2 thr)')).toMatchObject({ value: '1.10–1.50×', met: 'partly (1 of 2)' })
    expect(row('browser wasm ≤ 1.3× Node (VJP)', 'ORT-VJP onnxruntime-web: browser (2 thr) / Node (2 thr)')).toMatchObject({ value: '0.67–1.00×', met: 'yes' })
  })
  it('renders a markdown table with one line per row', () => {
    const md = targetsMarkdown(rows).split('\n')
    expect(md).toHaveLength(rows.length + 2)
    expect(md[2]).toBe('| forward ≤ 2.5× ORT-node (1 thr) | tfjs-wasm, Node | 2.00–4.00× | partly (1 of 2) |')
  })
})
