// Runs in the project without --enable-unsafe-webgpu: no adapter, so the measured choice is among the rest.
import { test, expect } from './fixtures'

test('without WebGPU the measured choice is wasm, with no console error or TypeError at all', async ({ page }) => {
  const messages: string[] = []
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`))
  page.on('worker', (w) => w.on('console', (m) => messages.push(`worker ${m.type()}: ${m.text()}`)))
  await page.goto('/#/diagnostics')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  await expect(page.getByTestId('backend-reason')).toContainText('start-up check')
  // Diagnostics probes webgpu too: it must say why it is missing, not throw inside tfjs
  await page.getByTestId('diag-run').click()
  await expect(page.getByTestId('diag-tfjs-webgpu')).toHaveAttribute('data-available', 'false', { timeout: 180_000 })
  await expect(page.getByTestId('diag-tfjs-webgpu')).toContainText('WebGPU is not available here')
  expect(messages.filter((m) => /TypeError|Cannot read properties of null/.test(m))).toEqual([])
})

test('forcing a missing WebGPU backend says why and still works', async ({ page }) => {
  await page.goto('/?backend=webgpu#/diagnostics')
  await expect(page.getByTestId('notices')).toContainText('"webgpu" was asked for')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
})
