import { test, expect } from './fixtures'

// On the wasm backend the shipped U-Nets' exact VJPs run on onnxruntime-web (the ORT VJP executor, in its own
// worker); the studio run completes with autodiff Jacobians and nothing on the console.
test('studio on wasm: DPS runs on the ORT VJP executor (its worker starts) and completes', async ({ page }) => {
  test.setTimeout(300_000)
  const workers: string[] = []
  const errors: string[] = []
  page.on('worker', (w) => {
    workers.push(w.url())
    w.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  })
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  await page.goto('/?backend=wasm&model=cifar10-unet&task=box&steps=3&samples=1&methods=dps#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await page.getByTestId('studio-run').click()
  await expect(page.getByTestId('method-0')).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
  await expect(page.getByTestId('studio-metrics')).toContainText('autodiff')
  expect(workers.some((u) => /ortVjpServer/.test(u)), `workers: ${workers.join(', ')}`).toBe(true)
  expect(errors).toEqual([])
})
