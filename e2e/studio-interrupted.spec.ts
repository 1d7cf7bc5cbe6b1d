// Issue 16: a reload in the middle of a studio run is reported once, after the reload, instead of the run
// silently vanishing (the per-tab flag of src/app/persistence/activeRun.ts).
import { test, expect } from './fixtures'

test('studio: a reload that interrupts a run says so once', async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto('/?backend=wasm&task=random&missing=0.75&steps=40&samples=1&methods=dps,mmps:cg:1#/studio')
  const run = page.getByTestId('studio-run')
  await expect(run).toBeEnabled()
  await run.click()
  await expect.poll(async () => Math.max(0, ...(await page.locator('.method-row').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reached') ?? 0))))),
    { timeout: 240_000, intervals: [100] }).toBeGreaterThanOrEqual(2)
  await page.reload()
  await expect(page.getByTestId('studio-run-error')).toContainText('A reload interrupted the previous run (2 methods, 40 steps, step')
  await expect(run).toBeEnabled()
  await page.reload()
  await expect(run).toBeEnabled()
  await expect(page.getByTestId('studio-run-error')).toHaveCount(0)
})
