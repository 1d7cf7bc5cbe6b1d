// Issue 11 (fast by default) and issue 16 item 2 (a GPU lost mid-run), in the default project: WebGPU is on,
// and its adapter here is SwiftShader, a software (fallback) adapter.
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'

type Memory = { numTensors: number; numBytes: number; ortSessions: number; onnxGraphs: number }
type Hooks = { __tweedie: { memory(): Promise<Memory>; loseGpuDevice(): Promise<boolean> } }
const memory = (page: Page) => page.evaluate(() => (window as unknown as Hooks).__tweedie.memory())

test('the default studio run measures the backends, runs on the fastest, and the next visit measures nothing', async ({ page }) => {
  test.setTimeout(600_000)
  await page.goto('/#/studio')
  const badge = page.getByTestId('backend-badge')
  await expect(page.getByTestId('studio-run')).toBeEnabled({ timeout: 120_000 })
  await page.getByTestId('studio-run').click()
  for (const i of [0, 1, 2]) await expect(page.getByTestId(`method-${i}`)).toHaveAttribute('data-status', 'done', { timeout: 480_000 })
  // on a software adapter wasm wins, and the badge says against what and for which model
  await expect(badge).toHaveAttribute('data-backend', 'wasm')
  await expect(page.getByTestId('backend-reason')).toContainText(/faster than (webgpu \(SwiftShader, software adapter\)|webgl \(SwiftShader, software renderer\))/)
  await expect(page.getByTestId('backend-reason')).toContainText('cifar10-unet')
  // Diagnostics shows the measured table
  await page.getByTestId('nav-diagnostics').click()
  const row = (workload: string) => page.locator(`[data-testid="verdict-row"][data-workload="${workload}"]`)
  const unet = row('cifar10-unet')
  await expect(unet).toHaveAttribute('data-chosen', 'wasm')
  await expect(unet).toHaveAttribute('data-source', 'measured')
  await expect(row('the start-up check')).toHaveAttribute('data-chosen', 'wasm')
  // a second visit: the verdicts come from the cache
  await page.goto('/#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled({ timeout: 120_000 })
  await expect(badge).toHaveAttribute('data-source', 'cached')
  await page.goto('/#/diagnostics')
  await expect(row('cifar10-unet')).toHaveAttribute('data-source', 'cached')
  // re-measure: forgets the stored verdicts and times again
  await page.getByTestId('remeasure').click()
  await expect(row('the start-up check')).toHaveAttribute('data-source', 'measured', { timeout: 60_000 })
  await expect(badge).toHaveAttribute('data-backend', 'wasm')
})

test('a Models sample, then Diagnostics: Diagnostics waits for the sample and says so, then finishes', async ({ page }) => {
  test.setTimeout(400_000)
  await page.goto('/?backend=webgpu#/models')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu')
  const before = await memory(page)
  await page.getByTestId('sample-steps').fill('3')
  await page.getByTestId('sample-run').click()
  // the sample is running (its first step on the GPU is done) when Diagnostics is asked for
  await expect(page.getByTestId('progress')).toContainText(/step [1-9]/, { timeout: 240_000 })
  await page.getByTestId('nav-diagnostics').click()
  await page.getByTestId('diag-run').click()
  await expect(page.getByTestId('progress')).toContainText('waits for Models sample (on webgpu) to finish')
  await expect(page.getByTestId('diag-table')).toBeVisible({ timeout: 360_000 })
  await expect(page.getByTestId('diag-error')).toHaveCount(0)
  await expect(page.getByTestId('diag-tfjs-webgpu')).toHaveAttribute('data-agrees', 'true')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu')
  // the sample finished on the backend it started on; nothing leaked beyond its cached graph
  await page.getByTestId('nav-models').click()
  await expect(page.getByTestId('samples')).toBeVisible()
  await expect(page.getByText(/on tfjs webgpu/)).toBeVisible()
  expect((await memory(page)).onnxGraphs).toBe(before.onnxGraphs + 1)
})

test('the GPU lost mid-run: one clear message, every panel redrawn, a clean second run, memory back to a clean session', async ({ page, context }) => {
  test.setTimeout(600_000)
  // a small model of the user's own keeps the webgpu part short on this software adapter
  await page.goto('/?backend=wasm#/models')
  await page.getByTestId('byo-file').setInputFiles({ name: 'lost.onnx', mimeType: 'application/octet-stream', buffer: readFileSync('test/fixtures/onnx-ops/tiny_edm_denoiser.onnx') })
  await page.getByTestId('byo-check').click()
  await expect(page.getByTestId('byo-verdict')).toHaveText('usable: passed every check', { timeout: 120_000 })
  await page.getByTestId('byo-add').click()
  await expect(page.getByTestId('byo-message')).toContainText('user-lost')
  const params = 'model=user-lost&image=demo%2Fcifar%2Fcoffee.png&task=box&steps=16&samples=1&methods=dps,mmps:cg:2'
  await page.goto(`/?backend=webgpu&${params}#/studio`)
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu')
  await expect(page.getByTestId('problem-y')).toHaveAttribute('data-drawn', 'true')
  await page.getByTestId('studio-run').click()
  await expect(page.getByTestId('method-0')).toContainText(/step [1-9]/, { timeout: 240_000 })
  expect(await page.evaluate(() => (window as unknown as Hooks).__tweedie.loseGpuDevice())).toBe(true)
  const error = page.getByTestId('studio-run-error')
  await expect(error).toHaveText(/^The GPU was lost at step \d+ of 16 \(dps, mmps in lockstep\); the run stopped; press Run to start again on wasm\.$/, { timeout: 120_000 })
  await expect(page.getByTestId('notices')).toContainText('GPU device was lost')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  await expect(page.getByTestId('problem-y')).toHaveAttribute('data-drawn', 'true')
  await expect(page.getByTestId('problem-baseline')).toHaveAttribute('data-drawn', 'true')
  // a clean second run on wasm, then a third: memory is flat
  const counts: Memory[] = []
  for (let run = 0; run < 2; run++) {
    await page.getByTestId('studio-run').click()
    await expect(page.getByTestId('method-1')).toHaveAttribute('data-status', 'done', { timeout: 120_000 })
    await expect(page.getByTestId('studio-run')).toBeEnabled()
    await expect(error).toHaveCount(0)
    counts.push(await memory(page))
  }
  expect(counts[1]).toEqual(counts[0])
  expect(counts[0]).toMatchObject({ ortSessions: 0, onnxGraphs: 1 })
  // a clean session (same browser profile, so the same stored model) after one run holds exactly as much
  const clean = await context.newPage()
  await clean.goto(`/?backend=wasm&${params}#/studio`)
  await expect(clean.getByTestId('studio-run')).toBeEnabled()
  await clean.getByTestId('studio-run').click()
  await expect(clean.getByTestId('method-1')).toHaveAttribute('data-status', 'done', { timeout: 120_000 })
  await expect(clean.getByTestId('studio-run')).toBeEnabled()
  expect(await memory(clean)).toEqual(counts[0])
})
