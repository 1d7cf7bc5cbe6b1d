import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

const COVARIANCES = ['tweedie', 'inverse', 'sigma_t', 'zero']

test('analytic toy: a tiny run in the worker draws four series and the helix, never blocks the main thread, and survives reload', async ({ page }) => {
  test.setTimeout(90_000)
  await page.goto('/#/toy')
  await expect(page.getByTestId('toy-page')).toBeVisible()
  await expect(page.getByTestId('toy-empty')).toBeVisible()
  await page.getByTestId('toy-preset').selectOption('tiny')
  await page.getByTestId('toy-seeds').fill('1')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', /.+/)
  await recordLongTasks(page)
  await page.getByTestId('toy-run').click()
  await expect(page.getByTestId('progress')).toBeVisible()
  const results = page.getByTestId('toy-results')
  await expect(results).toHaveAttribute('data-complete', 'true', { timeout: 60_000 })
  await expect(results).toHaveAttribute('data-rows', '40')
  for (const k of COVARIANCES) {
    await expect(page.getByTestId(`toy-chart-series-${k}`)).toHaveAttribute('data-points', '10')
  }
  await expect(page.getByTestId('toy-chart-legend')).toContainText('V[x|xₜ]')
  await expect(page.getByTestId('toy-chart-legend')).toContainText('(Σₓ⁻¹ + Σₜ⁻¹)⁻¹')

  await page.getByTestId('helix-run').click()
  await expect(page.getByTestId('helix-panels')).toBeVisible({ timeout: 30_000 })
  for (const k of COVARIANCES) {
    const panel = page.getByTestId(`helix-${k}`)
    await expect(panel).toHaveAttribute('data-sets', '2')
    expect(Number(await panel.getAttribute('data-points'))).toBeGreaterThan(0)
  }
  await expectResponsive(page)

  const medians = await page.getByTestId('toy-table').textContent()
  await page.reload()
  await expect(page.getByTestId('toy-results')).toHaveAttribute('data-complete', 'true')
  await expect(page.getByTestId('toy-results')).toHaveAttribute('data-rows', '40')
  await expect(page.getByTestId('toy-table')).toHaveText(medians ?? '')
  await expect(page.getByTestId('helix-panels')).toBeVisible()
  await expect(page.getByTestId('toy-preset')).toHaveValue('tiny')
})

test('analytic toy: a run can be cancelled and keeps its finished rows', async ({ page }) => {
  await page.goto('/#/toy')
  await page.getByTestId('toy-preset').selectOption('tiny')
  await page.getByTestId('toy-seeds').fill('3')
  // clicked without waiting for the backend choice: the worker waits for it
  await page.getByTestId('toy-run').click()
  await expect(page.getByTestId('toy-results')).not.toHaveAttribute('data-rows', '0', { timeout: 60_000 })
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByTestId('toy-error')).toHaveText('Run cancelled; the finished rows are kept.')
  await expect(page.getByTestId('toy-results')).toHaveAttribute('data-complete', 'false')
})
