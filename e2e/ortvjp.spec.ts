import { test, expect } from './fixtures'

// With ?executor=ort on the wasm backend the shipped U-Nets' exact VJPs run on onnxruntime-web (the ORT VJP
// executor, in its own worker); the studio run completes with autodiff Jacobians and nothing on the console.
test('studio on wasm: DPS runs on the ORT VJP executor (not the tfjs fallback) and completes', async ({ page }) => {
  test.setTimeout(300_000)
  const workers: string[] = []
  const errors: string[] = []
  const onnx: string[] = []
  page.on('worker', (w) => {
    workers.push(w.url())
    w.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
      if (m.text().startsWith('[onnx]')) onnx.push(m.text())
    })
  })
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  await page.goto('/?backend=wasm&executor=ort&model=cifar10-unet&task=box&steps=3&samples=1&methods=dps#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await page.getByTestId('studio-run').click()
  await expect(page.getByTestId('method-0')).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
  await expect(page.getByTestId('studio-metrics')).toContainText('autodiff')
  expect(workers.some((u) => /ortVjpServer/.test(u)), `workers: ${workers.join(', ')}`).toBe(true)
  // the compute worker says which executor it built (the fallback would say why)
  expect(onnx).toEqual([expect.stringContaining('on the ORT VJP executor')])
  expect(errors).toEqual([])
})
