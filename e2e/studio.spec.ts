import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

const tasks = [
  { task: 'box', model: 'cifar10-unet' },
  { task: 'random', model: 'cifar10-unet' },
  { task: 'blur', model: 'cifar10-unet' },
  { task: 'sr', model: 'cifar10-unet' },
  { task: 'mri', model: 'mri-unet', image: 'demo/mri/colin27-z065mm.png' },
]

for (const t of tasks) {
  test(`studio: ${t.task} with DPS and MMPS at a few steps fills the grid and the metric table`, async ({ page }) => {
    test.setTimeout(300_000)
    const image = t.image ? `&image=${encodeURIComponent(t.image)}` : ''
    await page.goto(`/?backend=wasm&model=${t.model}&task=${t.task}${image}&steps=3&samples=1&methods=dps,mmps:cg:1#/studio`)
    await expect(page.getByTestId('studio-run')).toBeEnabled()
    await expect(page.getByTestId('studio-url-messages')).toHaveCount(0)
    // the problem (observation and baseline) is shown before anything runs
    await expect(page.getByTestId('problem-y')).toHaveAttribute('data-drawn', 'true')
    await expect(page.getByTestId('problem-baseline')).toHaveAttribute('data-drawn', 'true')
    await recordLongTasks(page)
    await page.getByTestId('studio-run').click()
    await expect(page.getByTestId('method-0')).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
    await expect(page.getByTestId('method-1')).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
    await expect(page.getByTestId('metric-row')).toHaveCount(2)
    await expect(page.getByTestId('studio-metrics')).toContainText('autodiff')
    await expectResponsive(page)
  })
}

test('studio: the URL round-trips and bad parameters are clamped with a visible message', async ({ page }) => {
  await page.goto('/?steps=99999&samples=3&methods=mmps:gmres:3,warp&task=sr&factor=2#/studio')
  const msg = page.getByTestId('studio-url-messages')
  await expect(msg).toContainText('steps=99999 is out of range')
  await expect(msg).toContainText('Unknown method "warp"')
  await expect(page.getByTestId('studio-steps')).toHaveValue('1000')
  await expect(page).toHaveURL(/steps=1000/)
  await expect(page).toHaveURL(/methods=mmps%3Agmres%3A3/)
  await page.getByTestId('studio-samples').fill('4')
  await expect(page).toHaveURL(/samples=4/)
  await page.reload()
  await expect(page.getByTestId('studio-samples')).toHaveValue('4')
  await expect(page.getByTestId('studio-task')).toHaveValue('sr')
})

test('studio: a bad upload says why and keeps the current image', async ({ page }) => {
  await page.goto('/#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await page.getByTestId('studio-upload').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('this is not a PNG') })
  await expect(page.getByTestId('studio-image-error')).toContainText('not an image the browser can decode')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  // a real PNG of the wrong size (4×4: too small to crop to the model's 32×32)
  const tiny = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGNocFCAIwbiOAByQw4BrIL1vQAAAABJRU5ErkJggg==', 'base64')
  await page.getByTestId('studio-upload').setInputFiles({ name: 'tiny.png', mimeType: 'image/png', buffer: tiny })
  await expect(page.getByTestId('studio-image-error')).toContainText('is 4×4; it needs at least 8 pixels')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await expect(page).toHaveURL(/image=demo/)
})

test('studio: the problem preview follows the box position and the operator seed, and both live in the URL', async ({ page }) => {
  await page.goto('/?backend=wasm&task=box&box=8&top=0&left=0&methods=dps#/studio')
  const y = page.getByTestId('problem-y')
  await expect(y).toHaveAttribute('data-drawn', 'true')
  const pixels = () => y.evaluate((c: HTMLCanvasElement) => c.toDataURL())
  const first = await pixels()
  await page.getByTestId('studio-box-left').fill('20')
  await expect(page).toHaveURL(/left=20/)
  await expect.poll(pixels).not.toBe(first)
  // a random box placed by a pinned operator seed: the observation stays when the run seed changes
  await page.getByTestId('studio-box-top').fill('-1')
  await page.getByTestId('studio-op-seed').fill('5')
  await expect(page).toHaveURL(/opseed=5/)
  await page.waitForTimeout(500)
  const pinned = await pixels()
  await page.getByTestId('studio-seed').fill('9')
  await expect(page).toHaveURL(/seed=9/)
  await page.waitForTimeout(500)
  expect(await pixels()).toBe(pinned)
  await page.reload()
  await expect(page.getByTestId('studio-op-seed')).toHaveValue('5')
  await expect(page.getByTestId('studio-box-left')).toHaveValue('20')
})

test('studio: the digit preset puts a box over a held-out 3 for mnist-unet; the posterior samples are drawn', async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto('/?backend=wasm&methods=dps,mmps:cg:1#/studio')
  await expect(page.getByTestId('studio-run')).toBeEnabled()
  await page.getByTestId('studio-preset').selectOption('digit-box')
  await expect(page.getByTestId('studio-model')).toHaveValue('mnist-unet')
  await expect(page).toHaveURL(/model=mnist-unet/)
  await expect(page).toHaveURL(/image=demo%2Fdigits%2Fthree-3293\.png/)
  await expect(page).toHaveURL(/task=box&box=12&top=8&left=8/)
  await expect(page.getByTestId('studio-samples')).toHaveValue('4')
  await expect(page.getByTestId('studio-steps')).toHaveValue('32')
  await expect(page.getByTestId('problem-y')).toHaveAttribute('data-drawn', 'true')
  await page.getByTestId('studio-run').click()
  for (const i of [0, 1]) await expect(page.getByTestId(`method-${i}`)).toHaveAttribute('data-status', 'done', { timeout: 240_000 })
  await expect(page.getByTestId('metric-row')).toHaveCount(2)
  // posterior mean, std map and the 4 samples of each method
  await expect(page.getByTestId('method-1').getByText('sample 4')).toBeVisible()
})
