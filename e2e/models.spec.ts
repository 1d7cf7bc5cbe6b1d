import { test, expect, recordLongTasks, expectResponsive } from './fixtures'

for (const id of ['cifar10-unet', 'mri-unet', 'mnist-unet']) {
  test(`${id}: card, live denoising on both engines, unconditional samples`, async ({ page }) => {
    test.setTimeout(300_000)
    await page.goto('/?backend=wasm#/models')
    await page.getByTestId(`model-${id}`).click()
    await recordLongTasks(page)
    await expect(page.getByTestId(`card-${id}`)).toBeVisible()
    await expect(page.getByTestId(`gains-${id}`)).toContainText('σ = 0.5')
    // onnxruntime-web forward: the denoised image beats the noisy one at σ = 0.5
    await expect(page.getByTestId('demo-info')).toHaveAttribute('data-model', id, { timeout: 120_000 })
    await expect(page.getByTestId('demo-info')).toContainText('onnxruntime-web')
    const gain = (text: string | null): number => Number(/gain (-?[\d.]+) dB/.exec(text ?? '')?.[1])
    expect(gain(await page.getByTestId('demo-info').textContent())).toBeGreaterThan(0)
    // the same through the tfjs-executed ONNX graph gives the same gain (two engines, one model)
    const ortGain = gain(await page.getByTestId('demo-info').textContent())
    await page.getByTestId('demo-engine').selectOption('tfjs-onnx')
    await expect(page.getByTestId('demo-info')).toContainText('tfjs', { timeout: 120_000 })
    expect(Math.abs(gain(await page.getByTestId('demo-info').textContent()) - ortGain)).toBeLessThan(0.05)
    await page.getByTestId('sample-steps').fill('4')
    await page.getByTestId('sample-run').click()
    await expect(page.getByTestId('samples').locator('canvas[data-drawn=true]')).toHaveCount(4, { timeout: 240_000 })
    await expectResponsive(page)
  })
}
