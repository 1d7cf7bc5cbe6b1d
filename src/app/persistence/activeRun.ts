// A small per-tab flag that says "a run is going on this page". It is set when a run starts, updated as it
// progresses and cleared when it ends; if the page loads and finds it set, the last load of this tab went away
// (reload, crash, closed tab restored) in the middle of that run, and the page can say so. sessionStorage: it
// survives a reload of the same tab and is not shared with other tabs, so a second tab's run is not mistaken
// for an interrupted one. Where storage is blocked the flag is simply not kept (no notice, nothing thrown).
import { webStorage } from './storageErrors'

export type RunPage = 'manifold' | 'studio' | 'toy' | 'models' | 'diagnostics' | (string & {})

export interface ActiveRunMark {
  page: RunPage
  /** The page's own id for the run (a manifold run id, a studio job id). */
  runId: string
  /** A name the user recognises ("default · seed 0"). */
  name: string
  /** Where the run had got to when the mark was last updated ("lap 3 finished", "step 12 of 32"). */
  progress?: string
  /** How many units (laps, steps) had finished when the mark was last updated. */
  done?: number
  startedAt: number
}

const key = (page: RunPage): string => `tweedie-playground.active-run.${page}`

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

function parse(text: string | null, page: RunPage): ActiveRunMark | undefined {
  if (text === null) return undefined
  try {
    const v = JSON.parse(text) as Partial<ActiveRunMark>
    if (v.page !== page || typeof v.runId !== 'string' || typeof v.name !== 'string' || typeof v.startedAt !== 'number') return undefined
    return {
      page, runId: v.runId, name: v.name, startedAt: v.startedAt,
      progress: typeof v.progress === 'string' ? v.progress : undefined,
      done: typeof v.done === 'number' && Number.isFinite(v.done) ? v.done : undefined,
    }
  } catch {
    return undefined
  }
}

/** Sets (or updates) the flag for the page's current run. */
export function markRunActive(mark: ActiveRunMark, store: Store | undefined = webStorage('session')): void {
  try {
    store?.setItem(key(mark.page), JSON.stringify(mark))
  } catch {
    // a full or blocked sessionStorage only costs the notice after a reload
  }
}

/** Clears the flag when the run ends on its own (finished, stopped, failed). */
export function clearRunActive(page: RunPage, store: Store | undefined = webStorage('session')): void {
  try {
    store?.removeItem(key(page))
  } catch {
    // see markRunActive
  }
}

/**
 * The run the previous load of this tab left unfinished on `page`, if any; reading clears the flag, so the
 * notice is given once. Call it once, when the page's store loads.
 */
export function takeInterruptedRun(page: RunPage, store: Store | undefined = webStorage('session')): ActiveRunMark | undefined {
  try {
    const mark = parse(store?.getItem(key(page)) ?? null, page)
    store?.removeItem(key(page))
    return mark
  } catch {
    return undefined
  }
}
