import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

test('the shell shows every page; unbuilt pages say so plainly', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'Tweedie Playground' })).toBeVisible()
  const headings: Record<string, string> = { studio: 'Inverse-problem studio', manifold: 'Manifold lab', toy: 'Analytic toy', models: 'Models' }
  for (const [id, heading] of Object.entries(headings)) {
    await page.getByTestId(`nav-${id}`).click()
    await expect(page).toHaveURL(new RegExp(`#/${id}$`))
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible()
  }
  await page.getByTestId('nav-diagnostics').click()
  await expect(page.getByRole('heading', { name: 'Diagnostics' })).toBeVisible()
  // the page survives a reload
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Diagnostics' })).toBeVisible()
})

test('the worker measures the backends: on this software WebGPU adapter wasm wins, and the adapter is still seen', async ({ page }) => {
  await page.goto('/#/diagnostics')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  await expect(page.getByTestId('backend-reason')).toContainText(/SwiftShader, software (adapter|renderer)/)
  const adapter = page.getByTestId('diag-adapter')
  await expect(adapter).toBeVisible()
  // SwiftShader here; any real adapter reports a non-empty vendor or architecture
  expect((await adapter.textContent())?.trim()).not.toBe('')
})

test('?backend=wasm forces the wasm backend', async ({ page }) => {
  await page.goto('/?backend=wasm#/diagnostics')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  await expect(page.getByTestId('notices')).toHaveCount(0)
})

test('an unknown ?backend= value gives a visible message and the app still works', async ({ page }) => {
  await page.goto('/?backend=cuda#/diagnostics')
  await expect(page.getByTestId('notices')).toContainText('Unknown backend "cuda"')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
})

test('a lost GPU device falls back to the next backend with a message', async ({ page }) => {
  await page.goto('/?backend=webgpu#/diagnostics')
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu')
  const destroyed = await page.evaluate(() =>
    (window as unknown as { __tweedie: { loseGpuDevice(): Promise<boolean> } }).__tweedie.loseGpuDevice(),
  )
  expect(destroyed).toBe(true)
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm')
  await expect(page.getByTestId('notices')).toContainText('GPU device was lost')
  // and compute still works on the new backend
  await page.getByTestId('diag-run').click()
  await expect(page.getByTestId('diag-tfjs-wasm')).toHaveAttribute('data-agrees', 'true', { timeout: 180_000 })
})

test('the responsiveness rule catches compute on the main thread (a 300 ms script in a click handler)', async ({ page }) => {
  await page.goto('/?backend=wasm#/toy')
  await recordLongTasks(page)
  await expectResponsive(page)
  await page.evaluate(() => {
    const b = document.createElement('button')
    b.textContent = 'busy'
    b.onclick = () => {
      const t = performance.now()
      while (performance.now() - t < 300) { /* a main-thread loop, as a sampling loop would be */ }
    }
    document.body.append(b)
  })
  await page.getByRole('button', { name: 'busy' }).click()
  await page.waitForTimeout(500)
  await expect(expectResponsive(page)).rejects.toThrow(/main-thread long tasks/)
})
