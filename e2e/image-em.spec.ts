// The image EM lab (issue 13): tiny preset with lighter test-only settings from the URL (the default page is the
// real preset), two laps in the page, a reload that resumes, and the learned U-Net sent to the studio, where a run
// on it finishes. Axe, 390 px and the responsiveness rule as the other pages.
import AxeBuilder from '@axe-core/playwright'
import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

const LIGHT = 'observations=64&evalCount=16&trainSteps=30&estepSteps=4&sampleCount=16&sampleSteps=4&gaussianIterations=4&laps=2'

test('image EM (tiny, light): two laps, reload resumes, send to the studio, a studio run on it finishes', async ({ page }) => {
  test.setTimeout(480_000)
  await page.goto(`/?backend=wasm&${LIGHT}#/image-em`)
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  await expect(page.getByTestId('iem-url-message')).toContainText('Lighter test settings from the URL')
  await expect(page.getByTestId('iem-preset')).toHaveValue('tiny')
  await page.getByTestId('iem-start').click()
  await expect(page.getByTestId('iem-progress')).toBeVisible()
  // the run's laps arrive, are stored and drawn while the worker computes: the main thread stays responsive
  await recordLongTasks(page)
  // lap 0 (the Gaussian) and lap 1 (M-step + E-step) finish; the grids and the PSNR curve are drawn
  await expect(page.getByTestId('iem-lap-label')).toContainText('lap 1', { timeout: 240_000 })
  await expect(page.getByTestId('iem-samples')).toHaveAttribute('data-count', '16')
  await expect(page.getByTestId('iem-completions')).toHaveAttribute('data-count', '24')
  await expect(page.getByTestId('iem-psnr').locator('circle')).toHaveCount(2)
  await expect(page.getByTestId('iem-lap-table')).toContainText('dB')
  // FD to the held-out digits (models/mnist-classifier features) per lap, lap 0 included, and the class histogram
  await expect(page.getByTestId('iem-fd').locator('circle')).toHaveCount(2)
  await expect(page.getByTestId('iem-fd-none')).toHaveCount(0)
  await expect(page.getByTestId('iem-histogram')).toBeVisible()
  await expect(page.getByTestId('iem-lap-table')).not.toContainText('not computed')
  await expectResponsive(page)
  const axe = await new AxeBuilder({ page }).include('main').analyze()
  expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => v.id)).toEqual([])

  // reload mid-run: the stored laps come back and the run goes on from the last stored lap to its end
  await page.reload()
  await expect(page.getByTestId('iem-interrupted')).toContainText('it resumes from lap')
  await expect(page.getByTestId('iem-lap-table')).toBeVisible()
  await expect(page.getByTestId('iem-lap-label')).toContainText('lap 2', { timeout: 240_000 })
  await expect(page.getByTestId('iem-progress')).toHaveCount(0, { timeout: 60_000 })
  await expect(page.getByTestId('iem-psnr').locator('circle')).toHaveCount(3)
  await expect(page.getByTestId('iem-fd').locator('circle')).toHaveCount(3)
  await expect(page.getByTestId('iem-runs')).toContainText('done')

  // export the run to one file, delete it, import the file back: the same laps return
  await page.locator('details.panel summary').click()
  const download = page.waitForEvent('download')
  await page.getByTestId('iem-export').click()
  const file = await (await download).path()
  await page.getByTestId('iem-runs').getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByTestId('iem-runs').locator('li')).toHaveCount(0)
  await page.getByTestId('iem-import').setInputFiles(file)
  await expect(page.getByTestId('iem-message')).toContainText('(3 laps)')
  await expect(page.getByTestId('iem-runs').locator('li')).toHaveCount(1)
  await expect(page.getByTestId('iem-psnr').locator('circle')).toHaveCount(3)

  // a corrupt import changes nothing and says why
  await page.getByTestId('iem-import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"}') })
  await expect(page.getByTestId('iem-message')).toContainText('Import failed, nothing was changed: Not an image EM run file')
  await expect(page.getByTestId('iem-runs').locator('li')).toHaveCount(1)

  // 390 px: nothing past the right edge
  await page.setViewportSize({ width: 390, height: 844 })
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(over).toBeLessThanOrEqual(0)
  await page.setViewportSize({ width: 1280, height: 900 })

  // send the last lap's U-Net to the studio; the studio lists it and a run on it finishes
  await page.getByTestId('iem-send').click()
  await expect(page.getByTestId('iem-sent')).toContainText('digits, learned from 75 %-deleted observations, lap 2')
  const href = await page.getByTestId('iem-open-studio').getAttribute('href')
  expect(href).toMatch(/model=learned-/)
  await page.goto(`/${href!.replace('#/studio', '')}&steps=3&samples=1&methods=dps,mmps:cg:1#/studio`)
  await expect(page.getByTestId('studio-model').locator('option:checked')).toHaveText('digits, learned from 75 %-deleted observations, lap 2')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await expect(page.getByTestId('problem-y')).toHaveAttribute('data-drawn', 'true')
  await page.getByTestId('studio-run').click()
  await expect(page.getByTestId('method-0')).toHaveAttribute('data-status', 'done', { timeout: 180_000 })
  await expect(page.getByTestId('method-1')).toHaveAttribute('data-status', 'done', { timeout: 180_000 })
  await expect(page.getByTestId('metric-row')).toHaveCount(2)
})
