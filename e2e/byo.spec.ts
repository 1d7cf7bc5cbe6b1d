import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures'

test('bring your own ONNX: a good model passes parity and gradient checks and reaches the studio', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto('/?backend=wasm#/models')
  const buffer = readFileSync('test/fixtures/onnx-ops/tiny_edm_denoiser.onnx')
  await page.getByTestId('byo-file').setInputFiles({ name: 'tiny-edm.onnx', mimeType: 'application/octet-stream', buffer })
  await page.getByTestId('byo-check').click()
  await expect(page.getByTestId('byo-verdict')).toHaveText('usable: passed every check', { timeout: 120_000 })
  await expect(page.getByTestId('byo-report')).toContainText('parity vs onnxruntime-web')
  await page.getByTestId('byo-add').click()
  await expect(page.getByTestId('byo-message')).toContainText('user-tiny-edm')
  // kept across a reload and offered by the studio
  await page.goto('/?backend=wasm&model=user-tiny-edm&image=demo%2Fcifar%2Fcoffee.png#/studio')
  await expect(page.getByTestId('studio-model').locator('option', { hasText: 'user-tiny-edm (yours)' })).toHaveCount(1)
  await expect(page.getByTestId('studio-model')).toHaveValue('user-tiny-edm')
  // a fresh sample of the model can serve as the clean image
  await page.getByTestId('studio-sample-image').click()
  await expect(page).toHaveURL(/image=sample/, { timeout: 60_000 })
  await expect(page.getByTestId('studio-image-error')).toHaveCount(0)
})

test('bring your own ONNX: corrupt files and unsupported ops get specific messages', async ({ page }) => {
  await page.goto('/?backend=wasm#/models')
  await page.getByTestId('byo-file').setInputFiles({ name: 'junk.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('definitely not protobuf') })
  await page.getByTestId('byo-check').click()
  await expect(page.getByTestId('byo-verdict')).toHaveText('not usable')
  await expect(page.getByTestId('byo-add')).toHaveCount(0)
  const unsupported = readFileSync('test/fixtures/onnx-ops/invalid_unsupported_ops.onnx')
  await page.getByTestId('byo-file').setInputFiles({ name: 'odd.onnx', mimeType: 'application/octet-stream', buffer: unsupported })
  await page.getByTestId('byo-check').click()
  await expect(page.getByTestId('byo-unsupported')).toContainText('node')
})
