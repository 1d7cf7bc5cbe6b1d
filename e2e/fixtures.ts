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

/** Starts recording main-thread long tasks (PerformanceObserver 'longtask'). */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] }
    w.__longTasks = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration)
    }).observe({ type: 'longtask', buffered: false })
  })
}

export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks)
}

/**
 * The main thread stayed responsive since recordLongTasks: no task over 150 ms, and a total blocking time
 * (Σ over tasks of the part beyond 50 ms) under 100 ms. Why not "no task over 50 ms": on the 2-core CI VM, with
 * the worker saturating one core, an ordinary React render + layout (a results grid, a model card) measures
 * 50–100 ms now and then (LoAF traces, 2026-11-27), which made that check flaky; compute on the main thread —
 * a U-Net forward alone is 60–100 ms here, a sampling loop dozens of them — breaks the budget at once.
 */
export async function expectResponsive(page: Page): Promise<void> {
  const tasks = await longTasks(page)
  const blocking = tasks.reduce((a, d) => a + Math.max(0, d - 50), 0)
  const what = `main-thread long tasks: ${tasks.map(Math.round).join(', ') || 'none'} ms (total blocking ${Math.round(blocking)} ms)`
  expect(Math.max(0, ...tasks), what).toBeLessThanOrEqual(150)
  expect(blocking, what).toBeLessThanOrEqual(100)
}
