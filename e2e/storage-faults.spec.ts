// Fault injection for persistence: a 50 kB quota through the DevTools Protocol (Storage.overrideQuotaForOrigin)
// and a browser that refuses IndexedDB altogether. Nothing may hang, nothing may be lost without a word.
import { readFile } from 'node:fs/promises'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

async function limitQuota(page: Page, bytes: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: bytes })
}

// The default preset (16 laps of seconds each), so that the run is surely still going at the reload.
test('manifold lab with a full storage: the run goes on and says so, the export has every lap, a reload says what was lost, Stop works', async ({ page }) => {
  test.setTimeout(420_000)
  await page.goto('/?backend=wasm#/manifold')
  await limitQuota(page, 50 * 1024)
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  await page.getByTestId('em-preset').selectOption('default')
  await page.getByTestId('em-start').click()
  const notice = page.getByTestId('em-storage-notice')
  await expect(notice).toHaveAttribute('data-kind', 'quota', { timeout: 180_000 })
  await expect(notice).toContainText("This browser's storage for the site is full")
  await expect(notice).toContainText('the run continues in this tab, but')
  await expect(notice).toContainText('will not survive a reload')
  await expect(page.getByTestId('em-start')).toBeDisabled()
  await expect(page.getByTestId('em-progress')).toBeVisible()
  // the notice and its buttons are accessible too
  const axe = await new AxeBuilder({ page }).include('[data-testid=em-storage-notice]').analyze()
  expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => v.id)).toEqual([])
  // the export saves what storage would not: every finished lap, from memory, mid-run
  const shownLaps = (await page.getByTestId('em-metrics').locator('circle').count()) / 2
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('em-storage-export').click()])
  const file = JSON.parse(await readFile(await download.path(), 'utf8')) as { format: string; laps: { lap: number }[] }
  expect(file.format).toBe('tweedie-playground.manifold-run')
  expect(file.laps.length).toBeGreaterThanOrEqual(Math.max(1, shownLaps))
  expect(file.laps.map((l) => l.lap)).toEqual(file.laps.map((_, i) => i))
  // a reload mid-run: the page says the run was interrupted, resumes from what was stored, and what was lost
  await page.reload()
  const interrupted = page.getByTestId('em-interrupted')
  await expect(interrupted).toContainText('The page was reloaded while “default · seed 0” was running; it resumes from')
  await expect(interrupted).toContainText(/not stored and will be computed again/)
  // the resumed run meets the full storage again and says so; Stop ends it cleanly
  await expect(notice).toHaveAttribute('data-kind', 'quota', { timeout: 180_000 })
  await page.getByTestId('em-cancel').click()
  await expect(page.getByTestId('em-progress')).toHaveCount(0, { timeout: 60_000 })
  await expect(page.getByTestId('em-start')).toBeEnabled()
  await expect(page.getByTestId('em-message')).toContainText('Run stopped')
  await expect(notice).toContainText('the run is shown, but')
  await page.getByTestId('em-storage-retry').click()
  await expect(page.getByTestId('em-storage-retries')).toContainText('still not stored')
  // and after one more reload the page still says that laps are missing (or that the run never got its stop)
  await page.reload()
  await expect(page.locator('[data-testid=em-interrupted], [data-testid=em-message]').first())
    .toContainText(/finished laps of “default · seed 0” were not stored|had not finished when this site was last open/)
})

test('manifold lab with IndexedDB blocked: says so on load, a run still works and stops cleanly', async ({ page }) => {
  test.setTimeout(240_000)
  // what Chromium does when site data is blocked: touching indexedDB throws a SecurityError
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { configurable: true, get() { throw new DOMException('The operation is insecure.', 'SecurityError') } })
  })
  await page.goto('/?backend=wasm#/manifold')
  const notice = page.getByTestId('em-storage-notice')
  await expect(notice).toHaveAttribute('data-kind', 'unavailable')
  await expect(notice).toContainText('does not let the site store data')
  await page.getByTestId('em-preset').selectOption('default') // laps of seconds: still running when Stop is pressed
  await page.getByTestId('em-start').click()
  await expect(page.getByTestId('em-lap-label')).toContainText('lap 0', { timeout: 120_000 })
  await expect(page.getByTestId('em-runs')).toContainText('not stored (this tab only)')
  await page.getByTestId('em-cancel').click()
  await expect(page.getByTestId('em-start')).toBeEnabled({ timeout: 60_000 })
})

test('studio with a full storage: the result is shown and the page says it was not kept', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto('/?backend=wasm&task=box&steps=2&samples=1&methods=dps#/studio')
  await limitQuota(page, 50 * 1024)
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await page.getByTestId('studio-run').click()
  await expect(page.getByTestId('method-0')).toHaveAttribute('data-status', 'done', { timeout: 180_000 })
  await expect(page.getByTestId('studio-save-error')).toContainText("This browser's storage for the site is full")
  await expect(page.getByTestId('studio-save-error')).toContainText('will not survive a reload')
  await expect(page.getByTestId('metric-row')).toHaveCount(1)
})

test('models with a full storage: a checked model is added for this tab and the page says it will not last', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto('/?backend=wasm#/models')
  await limitQuota(page, 1024)
  const buffer = await readFile('test/fixtures/onnx-ops/tiny_edm_denoiser.onnx')
  await page.getByTestId('byo-file').setInputFiles({ name: 'tiny-edm.onnx', mimeType: 'application/octet-stream', buffer })
  await page.getByTestId('byo-check').click()
  await expect(page.getByTestId('byo-verdict')).toHaveText('usable: passed every check', { timeout: 120_000 })
  await page.getByTestId('byo-add').click()
  const msg = page.getByTestId('byo-message')
  await expect(msg).toContainText('Added as "user-tiny-edm"')
  await expect(msg).toContainText("This browser's storage for the site is full")
  await expect(msg).toContainText('added for this tab only')
  await page.getByTestId('model-user-tiny-edm').click()
  await expect(page.getByTestId('card-user-tiny-edm')).toContainText('this tab only, not stored')
})

test('models with IndexedDB blocked: the page says your own models cannot be kept', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { configurable: true, get() { throw new DOMException('The operation is insecure.', 'SecurityError') } })
  })
  await page.goto('/?backend=wasm#/models')
  await expect(page.getByTestId('models-storage')).toContainText('does not let the site store data')
  await expect(page.getByTestId('models-storage')).toContainText('a model added now lasts only as long as this tab')
  await expect(page.getByTestId('model-cifar10-unet')).toBeVisible()
})

test('analytic toy with a full localStorage: the results are shown and the page says they will not last', async ({ page }) => {
  test.setTimeout(180_000)
  // localStorage has its own 5 MB limit, outside the origin quota: make every write fail the way a full one does
  await page.addInitScript(() => {
    Storage.prototype.setItem = function setItem() { throw new DOMException("Failed to execute 'setItem' on 'Storage': Setting the value exceeded the quota.", 'QuotaExceededError') }
  })
  await page.goto('/?backend=wasm#/toy')
  await page.getByTestId('toy-preset').selectOption('tiny')
  const notice = page.getByTestId('toy-notice')
  await expect(notice).toContainText("This browser's storage for the site is full, so the toy results could not be kept")
  await page.getByTestId('toy-seeds').fill('1')
  await page.getByTestId('toy-run').click()
  await expect(page.getByTestId('toy-results')).toHaveAttribute('data-complete', 'true', { timeout: 120_000 })
  await expect(notice).toContainText('they are shown here but will not survive a reload')
  await expect(page.getByTestId('toy-run')).toBeEnabled()
})
