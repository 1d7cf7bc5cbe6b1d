// The studio's "What MMPS believes vs what it drew" (issue 15): after a run with MMPS and 2 samples, the PCs of
// the posterior samples beside the Tweedie PCs (conditioned on y) at the scrubber's step, computed in the worker
// at the exact x_t it kept; responsiveness rule and axe kept.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

async function seriousAxe(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).include('main').analyze()
  return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

test('studio: after a run with MMPS, the sample PCs and the Tweedie PCs at the scrubber step are drawn', async ({ page }) => {
  test.setTimeout(420_000)
  await page.goto('/?backend=wasm&task=random&missing=0.75&sigmaY=0.05&steps=4&samples=2&methods=dps,mmps:cg:1#/studio')
  const run = page.getByTestId('studio-run')
  await expect(run).toBeEnabled()
  await recordLongTasks(page)
  await run.click()
  await expect(page.getByTestId('method-1')).toHaveAttribute('data-status', 'done', { timeout: 300_000 })
  await expect(run).toBeEnabled()
  const box = page.getByTestId('studio-pcs')
  await expect(box).toBeVisible()
  // closed until opened: nothing computed or drawn yet
  await expect(page.getByTestId('studio-pcs-drawn-1')).toHaveCount(0)
  await page.getByTestId('studio-pcs-summary').click()
  // the drawn side: 2 samples span one direction
  await expect(page.getByTestId('studio-pcs-drawn-1')).toHaveAttribute('data-drawn', 'true')
  await expect(page.getByTestId('studio-pcs-drawn-2')).toHaveCount(0)
  await expect(box).toContainText('2 samples span at most 1 direction')
  // the believed side at the scrubber's step 2
  await page.getByTestId('studio-scrub').fill('2')
  await expect(box).toContainText('Tweedie PCs at step 2 of 4')
  await page.getByTestId('studio-pcs-iters').fill('4')
  await page.getByTestId('studio-pcs-run').click()
  await expect(page.getByTestId('studio-pcs-tweedie-info')).toContainText(/Step 2 \(σ_t = [\d.]+\), conditioned on y \(1 CG\): 4 iterations/, { timeout: 240_000 })
  for (let i = 1; i <= 3; i++) await expect(page.getByTestId(`studio-pcs-tweedie-${i}`)).toHaveAttribute('data-drawn', 'true')
  console.log(await page.getByTestId('studio-pcs-tweedie-info').textContent())
  // eigenvalues descending and positive
  const lams = await page.locator('[data-testid^="studio-pcs-tweedie-"][role="img"]').evaluateAll((els) => els.map((e) => Number((e.getAttribute('aria-label') ?? '').split('λ = ')[1])))
  expect(lams).toHaveLength(3)
  expect(lams[0]!).toBeGreaterThan(0)
  expect(lams[0]!).toBeGreaterThanOrEqual(lams[1]!)
  expect(lams[1]!).toBeGreaterThanOrEqual(lams[2]!)
  // without y: the prior's denoising posterior Σ_t alone, whose leading variance conditioning can only shrink
  await page.getByTestId('studio-pcs-condition').uncheck()
  await page.getByTestId('studio-pcs-run').click()
  await expect(page.getByTestId('studio-pcs-tweedie-info')).toContainText('not conditioned on y', { timeout: 240_000 })
  const prior = await page.getByTestId('studio-pcs-tweedie-1').evaluate((e) => Number((e.getAttribute('aria-label') ?? '').split('λ = ')[1]))
  expect(prior).toBeGreaterThan(lams[0]!)
  console.log(`λ₁ conditioned ${lams[0]}, unconditioned ${prior}; ${await page.getByTestId('studio-pcs-tweedie-info').textContent()}`)
  // the scrubber moves on: the shown PCs say which step they belong to
  await page.getByTestId('studio-scrub').fill('3')
  await expect(page.getByTestId('studio-pcs-stale')).toHaveText('These are for step 2; press Compute for step 3.')
  await expectResponsive(page)
  expect(await seriousAxe(page), 'axe with the PCs open').toEqual([])
  // a phone: the open disclosure does not scroll the page sideways
  await page.setViewportSize({ width: 390, height: 844 })
  expect(await page.evaluate(() => { const m = document.querySelector('main')!; return m.scrollWidth - m.clientWidth })).toBeLessThanOrEqual(0)
  await page.setViewportSize({ width: 1280, height: 720 })

  // a reload restores the results but not the worker's exact x_t: the disclosure says so and offers no Compute
  await page.reload()
  await expect(page.getByTestId('studio-restored')).toBeVisible()
  await page.getByTestId('studio-pcs-summary').click()
  await expect(page.getByTestId('studio-pcs-drawn-1')).toHaveAttribute('data-drawn', 'true')
  await expect(page.getByTestId('studio-pcs-restored')).toContainText('Press Run to compute them')
  await expect(page.getByTestId('studio-pcs-run')).toBeDisabled()

  // one sample per method: the drawn side asks for samples ≥ 2; the believed side still computes
  await page.goto('/?backend=wasm&task=random&missing=0.75&sigmaY=0.05&steps=2&samples=1&methods=mmps:gmres:2#/studio')
  await expect(run).toBeEnabled()
  await run.click()
  await expect(page.getByTestId('method-0')).toHaveAttribute('data-status', 'done', { timeout: 300_000 })
  await expect(run).toBeEnabled()
  await page.getByTestId('studio-pcs-summary').click()
  await expect(page.getByTestId('studio-pcs-few')).toHaveText('Set samples ≥ 2 and run again to see these: principal components need at least 2 samples (this run drew 1 per method).')
  await expect(page.getByTestId('studio-pcs-drawn-1')).toHaveCount(0)
  await page.getByTestId('studio-pcs-iters').fill('2')
  await page.getByTestId('studio-pcs-run').click()
  await expect(page.getByTestId('studio-pcs-tweedie-info')).toContainText(/Step 2 \(σ_t = [\d.e-]+\), conditioned on y \(2 GMRES\): 2 iterations/, { timeout: 240_000 })
  await expect(page.getByTestId('studio-pcs-tweedie-3')).toHaveAttribute('data-drawn', 'true')
})
