// Accessibility (axe-core: no critical or serious violation) and phones (390×844: no sideways scrolling, the
// header keeps every link and the backend badge inside its bar) on every page but the studio, whose own
// controls have their own spec; checked before and after each page's main action.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

async function expectNoSeriousAxe(page: Page, when: string): Promise<void> {
  // the studio's own controls are checked in the studio's spec; every other page is checked whole
  const r = await new AxeBuilder({ page }).analyze()
  const bad = r.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(bad, `axe ${when}`).toEqual([])
}

async function expectFitsWidth(page: Page, when: string): Promise<void> {
  const m = await page.evaluate(() => {
    const d = document.documentElement
    const over = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > d.clientWidth + 1 && !e.closest('.scroll-box'))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''} right=${Math.round(e.getBoundingClientRect().right)}`)
    return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, over }
  })
  expect(m.over, `elements past the right edge ${when}`).toEqual([])
  expect(m.scrollWidth, `page width ${when}`).toBeLessThanOrEqual(m.clientWidth)
}

async function expectHeaderHoldsEverything(page: Page): Promise<void> {
  const bar = await page.locator('header').boundingBox()
  expect(bar).not.toBeNull()
  if (!bar) return
  for (const el of [page.getByTestId('backend-badge'), ...(await page.locator('header nav a').all())]) {
    const b = await el.boundingBox()
    expect(b, 'a header item is not laid out').not.toBeNull()
    if (!b) continue
    expect(b.x).toBeGreaterThanOrEqual(bar.x)
    expect(b.x + b.width).toBeLessThanOrEqual(bar.x + bar.width + 0.5)
    expect(b.y + b.height).toBeLessThanOrEqual(bar.y + bar.height + 0.5)
  }
}

async function check(page: Page, when: string): Promise<void> {
  await expectFitsWidth(page, when)
  await expectNoSeriousAxe(page, when)
}

test.describe('phone-sized (390×844)', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('manifold lab: axe and width before and after a run', async ({ page }) => {
    test.setTimeout(240_000)
    await page.goto('/?backend=wasm#/manifold')
    await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
    await expectHeaderHoldsEverything(page)
    await check(page, 'before a run')
    await page.getByTestId('em-preset').selectOption('tiny')
    await page.getByTestId('em-start').click()
    await expect(page.getByTestId('em-progress')).toBeVisible()
    // the tiny run's four laps take seconds: let it finish
    await expect(page.getByTestId('em-start')).toBeEnabled({ timeout: 180_000 })
    await expect(page.getByTestId('em-metrics').locator('circle')).toHaveCount(8)
    await page.locator('details.panel summary').click()
    await check(page, 'after a run')
  })

  test('analytic toy: axe and width before and after a run and the helix illustration', async ({ page }) => {
    test.setTimeout(240_000)
    await page.goto('/?backend=wasm#/toy')
    await expect(page.getByTestId('toy-page')).toBeVisible()
    await expectHeaderHoldsEverything(page)
    await check(page, 'before a run')
    await page.getByTestId('toy-preset').selectOption('tiny')
    await page.getByTestId('toy-seeds').fill('1')
    await page.getByTestId('toy-run').click()
    await expect(page.getByTestId('toy-results')).toHaveAttribute('data-complete', 'true', { timeout: 120_000 })
    await page.getByTestId('helix-run').click()
    await expect(page.getByTestId('helix-panels')).toBeVisible({ timeout: 60_000 })
    await check(page, 'after a run')
  })

  test('models: axe and width before and after a denoising demo', async ({ page }) => {
    test.setTimeout(240_000)
    await page.goto('/?backend=wasm#/models')
    await expect(page.getByTestId('model-cifar10-unet')).toBeVisible()
    await expectHeaderHoldsEverything(page)
    await check(page, 'on load')
    await page.getByTestId('model-cifar10-unet').click()
    await expect(page.getByTestId('demo-info')).toHaveAttribute('data-model', 'cifar10-unet', { timeout: 120_000 })
    await check(page, 'after the demo')
  })

  test('diagnostics: axe and width before and after a run', async ({ page }) => {
    test.setTimeout(300_000)
    await page.goto('/?backend=wasm#/diagnostics')
    await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
    await expectHeaderHoldsEverything(page)
    await check(page, 'before a run')
    await page.getByTestId('diag-run').click()
    await expect(page.getByTestId('diag-table')).toBeVisible({ timeout: 240_000 })
    await check(page, 'after a run')
  })

  test('studio: the page around the studio fits (header and page width on load)', async ({ page }) => {
    await page.goto('/?backend=wasm#/studio')
    await expect(page.getByTestId('studio-run')).toBeEnabled()
    await expectHeaderHoldsEverything(page)
  })
})

test('desktop: the shared header and nav have no serious axe violation on any page', async ({ page }) => {
  await page.goto('/?backend=wasm#/manifold')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  for (const p of ['manifold', 'toy', 'models', 'diagnostics', 'studio']) {
    await page.getByTestId(`nav-${p}`).click()
    const r = await new AxeBuilder({ page }).include('header').analyze()
    expect(r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => v.id), `header on ${p}`).toEqual([])
    if (p !== 'studio') await expectNoSeriousAxe(page, `${p} at 1400 px`)
  }
})
