// The studio as an explainer (issue 12) and its accessibility and phone layout (issue 16, the studio's part):
// lockstep rows, the scrubber, accuracy against cost with a sweep, no broken states, axe, 390 px.
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

const require = createRequire(import.meta.url)
const jpeg = require('jpeg-js') as { encode(img: { data: Buffer; width: number; height: number }, q: number): { data: Buffer } }

async function seriousAxe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).include('main').analyze()
  return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

const rows = (page: Page) => page.locator('.method-row')
const attrs = (page: Page, name: string) => rows(page).evaluateAll((els, n) => els.map((e) => e.getAttribute(n) ?? ''), name)

test('studio: methods advance in lockstep; after the run the scrubber moves every row, the charts and the cost frontier follow', async ({ page }) => {
  test.setTimeout(420_000)
  await page.goto('/?backend=wasm&task=random&missing=0.75&sigmaY=0.001&steps=6&samples=1&methods=dps,pigdm:gmres:2,mmps:cg:1#/studio')
  const run = page.getByTestId('studio-run')
  await expect(run).toBeEnabled()
  expect(await seriousAxe(page), 'axe before a run').toEqual([])
  await recordLongTasks(page)
  await run.click()
  // mid-run: every row has made steps, none has finished (lockstep: they form together)
  await expect.poll(async () => {
    const [reached, status] = [await attrs(page, 'data-reached'), await attrs(page, 'data-status')]
    return reached.filter((r, i) => Number(r) >= 2 && Number(r) < 7 && status[i] === 'running').length
  }, { timeout: 240_000, intervals: [100] }).toBeGreaterThanOrEqual(2)
  await expect(page.getByTestId('studio-clock')).toContainText(/elapsed · about .* left/)
  await expect(page.getByTestId('studio-cancel')).toBeVisible()
  await expect(run).toBeEnabled({ timeout: 240_000 })
  expect(await attrs(page, 'data-status')).toEqual(['done', 'done', 'done'])
  // focus lands on the results heading
  await expect(page.getByTestId('studio-results-heading')).toBeFocused()
  await expectResponsive(page)

  // the scrubber sets the shown step of every row
  const scrub = page.getByTestId('studio-scrub')
  expect(await attrs(page, 'data-step')).toEqual(['6', '6', '6'])
  const before = await page.getByTestId('tweedie-1').evaluate((c: HTMLCanvasElement) => c.toDataURL())
  await scrub.fill('2')
  await expect.poll(() => attrs(page, 'data-step')).toEqual(['2', '2', '2'])
  await expect(page.getByTestId('studio-scrub-value')).toHaveText('step 2 of 6')
  expect(await page.getByTestId('tweedie-1').evaluate((c: HTMLCanvasElement) => c.toDataURL())).not.toBe(before)
  await scrub.fill('0')
  await expect.poll(() => attrs(page, 'data-step')).toEqual(['0', '0', '0'])
  // play runs to the end
  await page.getByTestId('studio-play').click()
  await expect.poll(() => attrs(page, 'data-step'), { timeout: 20_000 }).toEqual(['6', '6', '6'])
  // per-step charts: one line per method with a point per step; the cursor follows
  await expect(page.getByTestId('chart-step-psnr').locator('circle.pt')).toHaveCount(3 * 7)
  await expect(page.getByTestId('studio-trajectory-size')).toContainText('7 / 7 / 7 steps')

  // accuracy against cost: one point per method, then one per method and step count after a sweep
  const cost = page.getByTestId('chart-cost').locator('circle.pt')
  await expect(cost).toHaveCount(3)
  await page.getByTestId('sweep-steps').fill('2, 3')
  await page.getByTestId('sweep-run').click()
  await expect(page.getByTestId('sweep-status')).toContainText('sweep done: 6 points', { timeout: 240_000 })
  await expect(cost).toHaveCount(9)
  await page.getByTestId('cost-x').selectOption('seconds')
  await expect(cost).toHaveCount(9)
  expect(await seriousAxe(page), 'axe after a run').toEqual([])
  // the JSON download carries the trajectories (8-bit frames as base64) and the sweep
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('studio-download').click()])
  const file = JSON.parse(readFileSync(await download.path(), 'utf8')) as { trajectories: { kept: number[]; psnr: number[]; xt: string; pixels: number }[]; sweep: unknown[] }
  expect(file.trajectories.map((t) => t.kept.length)).toEqual([7, 7, 7])
  expect(Buffer.from(file.trajectories[0]!.xt, 'base64').length).toBe(7 * 3 * 32 * 32)
  expect(file.sweep).toHaveLength(6)

  // a reload restores the run with all its images and the scrubber
  await page.reload()
  await expect(page.getByTestId('studio-restored')).toBeVisible()
  for (let i = 0; i < 3; i++) await expect(page.getByTestId(`xt-${i}`)).toHaveAttribute('data-drawn', 'true')
  await page.getByTestId('studio-scrub').fill('1')
  await expect.poll(() => attrs(page, 'data-step')).toEqual(['1', '1', '1'])
})

test('studio: cancel ends every row at the same step, keeps the partial trajectories and offers only what exists', async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto('/?backend=wasm&task=box&steps=40&samples=1&methods=dps,diffpir:gmres:2,mmps:cg:1#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await recordLongTasks(page)
  await page.getByTestId('studio-run').click()
  await expect.poll(async () => Math.min(...(await attrs(page, 'data-reached')).map(Number)), { timeout: 240_000 }).toBeGreaterThanOrEqual(2)
  await page.getByTestId('studio-cancel').click()
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  expect(await attrs(page, 'data-status')).toEqual(['cancelled', 'cancelled', 'cancelled'])
  const reached = await attrs(page, 'data-reached')
  expect(new Set(reached).size, `reached: ${reached.join(', ')}`).toBe(1)
  const k = Number(reached[0]) - 1
  await expect(page.getByTestId('studio-run-error')).toContainText(`Run cancelled after step ${k} of 40: every method stopped there`)
  for (let i = 0; i < 3; i++) await expect(page.getByTestId(`method-status-${i}`)).toHaveText(`cancelled after step ${k} of 40`)
  // no posterior mean, no cost chart; the download says it is partial
  await expect(page.getByText(/^posterior mean/)).toHaveCount(0)
  await expect(page.getByTestId('chart-cost')).toHaveCount(0)
  await expect(page.getByTestId('studio-download')).toHaveText('Download the partial run (trajectories so far) as JSON')
  expect(await attrs(page, 'data-step')).toEqual([String(k), String(k), String(k)])
  // the scrubber replays the partial run up to where it stopped
  await expect(page.getByTestId('studio-scrub-value')).toHaveText(`step ${k} of ${k} (where the run stopped)`)
  await page.getByTestId('studio-scrub').fill('1')
  await expect.poll(() => attrs(page, 'data-step')).toEqual(['1', '1', '1'])
  await expectResponsive(page)
})

test('studio: malformed addresses render the page and name what was ignored', async ({ page }) => {
  const cases: { q: string; where: 'notices' | 'studio-url-messages'; text: RegExp }[] = [
    { q: '?x=%ZZ&steps=5', where: 'notices', text: /Ignored "x=%ZZ" in the address: it has a malformed %-escape/ },
    { q: `?steps=5&${'%zz&a=b'.repeat(1500)}`, where: 'notices', text: /only the first 2,048 were read/ },
    { q: '?sigma_y=0.5&steps=5', where: 'studio-url-messages', text: /Ignored "sigma_y=0.5": unknown setting; did you mean sigmaY\?/ },
    { q: '?k=3&steps=5', where: 'studio-url-messages', text: /Ignored "k=3": unknown setting; MMPS's solver iterations k go inside methods=/ },
  ]
  for (const c of cases) {
    await page.goto(`/${c.q}&backend=wasm#/studio`)
    await recordLongTasks(page)
    await expect(page.getByTestId(c.where)).toContainText(c.text)
    await expect(page.getByTestId('studio-steps')).toHaveValue('5')
    await expect(page.getByTestId('studio-run')).toBeEnabled()
    await expectResponsive(page)
  }
})

test('studio: an upload that is cropped and resized says so with both sizes; ?image=upload says when none is kept', async ({ page, browser }) => {
  const w = 4000, h = 3000
  const data = Buffer.alloc(w * h * 4)
  for (let i = 0; i < w * h; i++) { data[4 * i] = ((i % w) * 255) / w; data[4 * i + 1] = (Math.floor(i / w) * 255) / h; data[4 * i + 2] = 128; data[4 * i + 3] = 255 }
  const big = jpeg.encode({ data, width: w, height: h }, 60).data
  await page.goto('/?backend=wasm#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await recordLongTasks(page)
  await page.getByTestId('studio-upload').setInputFiles({ name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: big })
  await expect(page.getByTestId('studio-image-note')).toHaveText('Using your upload sunset.jpg: 4000×3000 centre-cropped to 3000×3000 and resized to 32×32 for cifar10-unet.')
  await expect(page).toHaveURL(/image=upload/)
  await expectResponsive(page)
  // the upload is kept: a reload of ?image=upload uses it
  await page.reload()
  await expect(page.getByTestId('studio-image-note')).toContainText('Your upload sunset.jpg (4000×3000 centre-cropped to 3000×3000 and resized to 32×32)')
  await expect(page.getByTestId('studio-url-messages')).toHaveCount(0)
  // a fresh browser has none
  const fresh = await browser.newContext()
  const p2 = await fresh.newPage()
  await p2.goto('/?backend=wasm&image=upload#/studio')
  await expect(p2.getByTestId('studio-url-messages')).toContainText('image=upload: no uploaded image is kept in this browser')
  await expect(p2.getByTestId('studio-run')).toBeEnabled()
  await fresh.close()
})

test('studio on a phone (390×844): no sideways scrolling before or after a run; Run is a few Tabs away', async ({ page }) => {
  test.setTimeout(300_000)
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto('/?backend=wasm&task=random&steps=2&samples=2&methods=dps,mmps:cg:1#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  // the page's own content (the header is the shell's): grids and tables scroll inside their own boxes
  const overflow = () => page.evaluate(() => { const m = document.querySelector('main')!; return m.scrollWidth - m.clientWidth })
  expect(await overflow()).toBeLessThanOrEqual(0)
  // keyboard: Tab from the top of the page reaches Run within 12 presses, Enter starts it
  await page.locator('body').focus()
  let tabs = 0
  for (; tabs < 12; tabs++) {
    await page.keyboard.press('Tab')
    if (await page.getByTestId('studio-run').evaluate((el) => el === document.activeElement)) break
  }
  expect(tabs, 'Tabs to reach Run').toBeLessThan(12)
  await recordLongTasks(page)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('method-1')).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
  await expect(page.getByTestId('studio-results-heading')).toBeFocused()
  expect(await overflow()).toBeLessThanOrEqual(0)
  await expectResponsive(page)
})

test('studio: a cancelled sweep keeps the points it made and says so', async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto('/?backend=wasm&task=random&steps=3&samples=1&methods=dps,mmps:cg:1#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await page.getByTestId('studio-run').click()
  await expect(page.getByTestId('method-1')).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
  const cost = page.getByTestId('chart-cost').locator('circle.pt')
  await expect(cost).toHaveCount(2)
  await recordLongTasks(page)
  await page.getByTestId('sweep-steps').fill('2, 200')
  await page.getByTestId('sweep-run').click()
  await expect(page.getByTestId('sweep-status')).toHaveText('running 200 steps…', { timeout: 240_000 })
  await expect(page.getByTestId('studio-clock')).toContainText('sweep: 200 steps (2 points so far)')
  await page.getByTestId('studio-cancel').click()
  await expect(page.getByTestId('sweep-status')).toHaveText('Sweep cancelled; the points so far stay.')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await expect(cost).toHaveCount(4)
  await expectResponsive(page)
})
