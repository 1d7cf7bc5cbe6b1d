import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

test('DiEM (tiny preset): a lap finishes, the plots update, a reload resumes the run', async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto('/?backend=wasm#/manifold')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  await recordLongTasks(page)
  await page.getByTestId('em-preset').selectOption('tiny')
  await page.getByTestId('em-start').click()
  await expect(page.getByTestId('em-progress')).toBeVisible()
  // lap 0 (the Gaussian) and lap 1 (first M/E lap) finish; the corner plot shows samples
  await expect(page.getByTestId('em-lap-label')).toContainText('lap 1', { timeout: 120_000 })
  await expect(page.getByTestId('corner-plot')).not.toHaveAttribute('data-points', '0')
  await expect(page.getByTestId('em-metrics').locator('circle')).toHaveCount(4) // 2 laps × 2 metrics
  await expect(page.getByTestId('em-loss')).toBeVisible()
  // the lap time this run really has, and what it makes the laps left (tiny: 4 laps, 0…3)
  await expect(page.getByTestId('em-lap-time')).toContainText(/laps here: \d+\.\d s each \((lap 1\); about \d+ s for the 2 laps|laps 1–2\); about \d+ s for the lap) left/)
  await expectResponsive(page)
  // reload mid-run: the stored laps come back and the run goes on from the last finished lap
  await page.reload()
  await expect(page.getByTestId('em-interrupted')).toContainText('The page was reloaded while “tiny · seed 0” was running; it resumes from lap')
  await expect(page.getByTestId('em-lap-table')).toBeVisible()
  await expect(page.getByTestId('em-progress')).toBeVisible()
  await expect(page.getByTestId('em-lap-label')).toContainText('lap 3', { timeout: 180_000 })
  await expect(page.getByTestId('em-metrics').locator('circle')).toHaveCount(8)
  await expect(page.getByTestId('em-progress')).toHaveCount(0)
  await expect(page.getByTestId('em-lap-time')).toContainText(/s each \(laps 1–3\); no laps left/)
  // a corrupt import changes nothing and says why
  await page.getByTestId('em-import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"}') })
  await expect(page.getByTestId('em-message')).toContainText('Import failed, nothing was changed')
  await expect(page.getByTestId('em-runs').locator('li')).toHaveCount(1)
})
