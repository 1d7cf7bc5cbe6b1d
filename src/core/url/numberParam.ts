// One numeric URL setting read against its allowed range: a missing value gives the fallback; a non-number, an
// out-of-range value or a non-integer where an integer is needed is replaced and the message says how. Shared by
// the studio's and the Posterior-PCs page's URL parsers.
export interface Range { min: number; max: number; int?: boolean }

export function numberParam(q: URLSearchParams, key: string, r: Range, fallback: number, messages: string[]): number {
  const raw = q.get(key)
  if (raw === null || raw === '') return fallback
  const v = Number(raw)
  if (!Number.isFinite(v)) {
    messages.push(`${key}=${raw} is not a number; using ${fallback}.`)
    return fallback
  }
  let out = r.int ? Math.round(v) : v
  if (out < r.min || out > r.max) {
    out = Math.min(r.max, Math.max(r.min, out))
    messages.push(`${key}=${raw} is out of range [${r.min}, ${r.max}]; clamped to ${out}.`)
  } else if (r.int && out !== v) {
    messages.push(`${key}=${raw} must be an integer; using ${out}.`)
  }
  return out
}
