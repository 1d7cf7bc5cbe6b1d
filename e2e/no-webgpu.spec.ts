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

test('the default studio run with ?executor=auto completes on the measured choice, and the badge and Diagnostics name it', async ({ page }) => {
  test.setTimeout(600_000)
  const onnx: string[] = []
  page.on('console', (m) => { if (/^\[(onnx|ort-vjp)\]/.test(m.text())) onnx.push(m.text()) })
  await page.goto('/?executor=auto#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled({ timeout: 120_000 })
  await page.getByTestId('studio-run').click()
  const methods = await page.locator('[data-testid^="method-"][data-status]').count()
  expect(methods).toBeGreaterThanOrEqual(3)
  for (let i = 0; i < methods; i++) await expect(page.getByTestId(`method-${i}`)).toHaveAttribute('data-status', 'done', { timeout: 480_000 })
  const badge = page.getByTestId('backend-badge')
  await expect(badge).toHaveAttribute('data-backend', 'wasm')
  await expect(page.getByTestId('backend-reason')).toContainText('cifar10-unet')
  // the ORT executor was a candidate: the verdict names tfjs-wasm or it, and the badge shows who computes
  const executor = await badge.getAttribute('data-executor')
  expect(['tfjs', 'ort-vjp']).toContain(executor)
  await expect(page.getByTestId('backend-reason')).toContainText(executor === 'ort-vjp' ? 'faster than tfjs-wasm' : /faster than the ORT executor|the ORT executor was not used|the ORT executor: not timed yet/)
  await expect(badge).toContainText(executor === 'ort-vjp' ? 'onnxruntime · wasm' : 'tfjs · wasm')
  if (executor === 'ort-vjp') expect(onnx.some((l) => l.includes('on the ORT VJP executor'))).toBe(true)
  await page.getByTestId('nav-diagnostics').click()
  const row = page.locator('[data-testid="verdict-row"][data-workload="cifar10-unet"]')
  await expect(row).toHaveAttribute('data-executor', executor ?? '')
  await expect(row).toHaveAttribute('data-source', 'measured')
})
