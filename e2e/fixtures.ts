// Every e2e test fails on a console error, a page error, or a request to another origin (the app is offline).
import { test as base, expect, type Page } from '@playwright/test'

export interface Guard {
  errors: string[]
  foreign: string[]
}

export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ page, baseURL }, use) => {
      const guard: Guard = { errors: [], foreign: [] }
      const origin = new URL(baseURL ?? 'http://127.0.0.1:4173').origin
      page.on('console', (m) => {
        if (m.type() === 'error') guard.errors.push(`console: ${m.text()}`)
      })
      page.on('pageerror', (e) => guard.errors.push(`pageerror: ${e.message}`))
      page.on('worker', (w) => {
        w.on('console', (m) => {
          if (m.type() === 'error') guard.errors.push(`worker console: ${m.text()}`)
        })
      })
      page.context().on('request', (r) => {
        const u = r.url()
        if (/^(data|blob|about|chrome-extension):/.test(u)) return
        if (new URL(u).origin !== origin) guard.foreign.push(u)
      })
      await use(guard)
      expect(guard.errors, 'console or page errors').toEqual([])
      expect(guard.foreign, 'requests to other origins').toEqual([])
    },
    { auto: true },
  ],
})

export { expect }

/** Starts recording main-thread long tasks (PerformanceObserver 'longtask') and long animation frames
 *  ('long-animation-frame', with their script attribution). */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    interface Frame { d: number; ours: number }
    const w = window as unknown as { __longTasks: number[]; __frames?: Frame[] }
    w.__longTasks = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration)
    }).observe({ type: 'longtask', buffered: false })
    if (!PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) return
    w.__frames = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as Array<{ startTime: number; duration: number; styleAndLayoutStart: number; scripts: Array<{ duration: number }> }>) {
        // ours: every attributed script (≥ 5 ms each) plus the frame's style and layout (what our DOM caused)
        const scripts = e.scripts.reduce((a, x) => a + x.duration, 0)
        const layout = e.styleAndLayoutStart > 0 ? e.startTime + e.duration - e.styleAndLayoutStart : 0
        w.__frames!.push({ d: e.duration, ours: scripts + layout })
      }
    }).observe({ type: 'long-animation-frame', buffered: false })
  })
}

export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks)
}

async function longFrames(page: Page): Promise<Array<{ d: number; ours: number }> | undefined> {
  return page.evaluate(() => (window as unknown as { __frames?: Array<{ d: number; ours: number }> }).__frames)
}

/**
 * The main thread stayed responsive since recordLongTasks: no frame (long-animation-frame; long tasks where the
 * browser lacks it) with over 150 ms of our work, and a total blocking time (Σ over frames of the part beyond
 * 50 ms) under 100 ms. Why not "no task over 50 ms": on the 2-core CI VM, with
 * the worker saturating one core, an ordinary React render + layout (a results grid, a model card) measures
 * 50–100 ms now and then (LoAF traces, 2026-11-27), which made that check flaky; compute on the main thread —
 * a U-Net forward alone is 60–100 ms here, a sampling loop dozens of them — breaks the budget at once.
 */
export async function expectResponsive(page: Page): Promise<void> {
  const tasks = await longTasks(page)
  const frames = await longFrames(page)
  // With long-animation-frame attribution, a frame counts for what our code did in it: scripts (≥ 5 ms each are
  // attributed) and style + layout. Excluded is the browser's own unattributed time — on this VM, frames of
  // 100–500 ms with no script at all follow the first worker result on the Models page (LoAF traces 2026-12-01:
  // identical on the pre-issue-13 build; cause still open: not our scripts, not style/layout).
  const cost = frames ? frames.map((f) => f.ours) : tasks
  const blocking = cost.reduce((a, d) => a + Math.max(0, d - 50), 0)
  const what = `main-thread long tasks: ${tasks.map(Math.round).join(', ') || 'none'} ms; ${frames ? `long frames (ours / all): ${frames.map((f) => `${Math.round(f.ours)}/${Math.round(f.d)}`).join(', ') || 'none'} ms; ` : ''}(total blocking ${Math.round(blocking)} ms)`
  expect(Math.max(0, ...cost), what).toBeLessThanOrEqual(150)
  expect(blocking, what).toBeLessThanOrEqual(100)
}
