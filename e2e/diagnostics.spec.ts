import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

type Hooks = { __tweedie: { memory(): Promise<{ numTensors: number }> } }

test('diagnostics run real work on every backend, agree with cpu, and never block the main thread', async ({ page }) => {
  await page.goto('/#/diagnostics')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', /.+/)
  await recordLongTasks(page)
  await page.getByTestId('diag-run').click()
  await expect(page.getByTestId('progress')).toBeVisible()
  await expect(page.getByTestId('diag-table')).toBeVisible({ timeout: 200_000 })
  for (const key of ['tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu', 'tfjs-webgl', 'onnxruntime-web-wasm', 'onnxruntime-web-webgpu']) {
    const row = page.getByTestId(`diag-${key}`)
    await expect(row, key).toHaveAttribute('data-available', 'true')
    await expect(row, key).toHaveAttribute('data-agrees', 'true')
  }
  const diff = Number(await page.getByTestId('diff-tfjs-webgpu').textContent())
  expect(diff).toBeLessThan(1e-3)
  await expectResponsive(page)
})

test('a cancelled diagnostics job frees its tensors', async ({ page }) => {
  await page.goto('/?backend=wasm#/diagnostics')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  const memory = () => page.evaluate(() => (window as unknown as Hooks).__tweedie.memory().then((m) => m.numTensors))
  const before = await memory()
  await page.getByTestId('diag-run').click()
  await expect(page.getByTestId('progress')).toContainText('webgpu')
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByTestId('diag-error')).toHaveText('Diagnostics cancelled.')
  expect(await memory()).toBe(before)
})
