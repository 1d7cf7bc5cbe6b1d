// Runs in the project without --enable-unsafe-webgpu: no adapter, so the ladder must fall back.
import { test, expect } from './fixtures'

test('without WebGPU the ladder falls back to webgl', async ({ page }) => {
  await page.goto('/#/diagnostics')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgl')
})

test('forcing a missing WebGPU backend says why and still works', async ({ page }) => {
  await page.goto('/?backend=webgpu#/diagnostics')
  await expect(page.getByTestId('notices')).toContainText('"webgpu" was asked for')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgl')
})
