// Repairs the address's query string before anything reads it. A mangled shared link used to give a blank page:
// tfjs parses location.search with decodeURIComponent when it loads, and one bad %-escape ("%ZZ") throws
// "URI malformed". Parameters that cannot be decoded, that are too long, or that come after the first
// MAX_QUERY characters are dropped from the address, each with a message naming it and why.

/** The most query text read; the studio's longest real address is ~400 characters. */
export const MAX_QUERY = 2048
/** One parameter longer than this is junk (the longest real value, a list of 8 methods, is ~130). */
export const MAX_PARAM = 512

export interface RepairedQuery {
  /** The query to use ('' or '?…'), made only of parameters that decode. */
  search: string
  messages: string[]
}

const shown = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}…` : s)

function decodes(s: string): boolean {
  try {
    decodeURIComponent(s.replace(/\+/g, ' '))
    return true
  } catch {
    return false
  }
}

export function repairQuery(search: string): RepairedQuery {
  const raw = search.startsWith('?') ? search.slice(1) : search
  const messages: string[] = []
  const kept: string[] = []
  let used = 0
  let dropped = 0
  let droppedChars = 0
  for (const part of raw.split('&')) {
    if (part === '') continue
    if (used + part.length > MAX_QUERY + 1) {
      dropped++
      droppedChars += part.length + 1
      continue
    }
    used += part.length + 1
    if (part.length > MAX_PARAM) {
      messages.push(`Ignored a ${part.length.toLocaleString('en')}-character parameter "${shown(part)}" in the address: longer than any setting (${MAX_PARAM}).`)
      continue
    }
    if (!decodes(part)) {
      messages.push(`Ignored "${shown(part)}" in the address: it has a malformed %-escape (a % must be followed by two hex digits).`)
      continue
    }
    kept.push(part)
  }
  const SHOWN = 5
  if (messages.length > SHOWN) messages.splice(SHOWN, messages.length - SHOWN, `… and ${messages.length - SHOWN} more parameters ignored for the same reasons.`)
  if (dropped > 0) {
    messages.push(`The address's query is ${raw.length.toLocaleString('en')} characters long; only the first ${MAX_QUERY.toLocaleString('en')} were read, ${dropped} parameter${dropped === 1 ? '' : 's'} (${droppedChars.toLocaleString('en')} characters) after that ignored.`)
  }
  return { search: kept.length ? `?${kept.join('&')}` : '', messages }
}

/** Runs once, as the first module of the page: fixes location.search in place (history.replaceState). */
function repairLocation(): string[] {
  if (typeof window === 'undefined' || typeof window.location === 'undefined') return []
  const r = repairQuery(window.location.search)
  if (r.messages.length > 0) {
    const url = new URL(window.location.href)
    url.search = r.search
    window.history.replaceState(window.history.state, '', url)
  }
  return r.messages
}

export const urlRepairMessages: readonly string[] = repairLocation()
