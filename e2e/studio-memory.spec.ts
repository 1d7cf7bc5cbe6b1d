import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures'

type Hooks = { __tweedie: { memory(): Promise<{ numTensors: number; numBytes: number; ortSessions: number; onnxGraphs: number }> } }

test('studio: 20 consecutive runs leave the worker\'s tensor count and ONNX sessions flat', async ({ page }) => {
  test.setTimeout(600_000)
  // a small model of the user's own keeps this test independent of the shipped weights
  await page.goto('/?backend=wasm#/models')
  await page.getByTestId('byo-file').setInputFiles({ name: 'mem.onnx', mimeType: 'application/octet-stream', buffer: readFileSync('test/fixtures/onnx-ops/tiny_edm_denoiser.onnx') })
  await page.getByTestId('byo-check').click()
  await expect(page.getByTestId('byo-verdict')).toHaveText('usable: passed every check', { timeout: 120_000 })
  await page.getByTestId('byo-add').click()
  await expect(page.getByTestId('byo-message')).toContainText('user-mem')
  await page.goto('/?backend=wasm&model=user-mem&image=demo%2Fcifar%2Fcoffee.png&task=random&steps=2&samples=1&methods=dps,mmps:cg:2#/studio')
  await expect(page.getByTestId('studio-url-messages')).toHaveCount(0)
  const memory = () => page.evaluate(() => (window as unknown as Hooks).__tweedie.memory())
  const counts: number[] = []
  const caches: string[] = []
  for (let run = 0; run < 20; run++) {
    await page.getByTestId('studio-run').click()
    await expect(page.getByTestId('method-1')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
    await expect(page.getByTestId('studio-run')).toBeEnabled()
    const m = await memory()
    counts.push(m.numTensors)
    caches.push(`${m.ortSessions}/${m.onnxGraphs}`)
  }
  // the first run folds the graph's constants (cached); after that nothing may grow
  expect(counts.slice(1).every((c) => c === counts[1]), `tensor counts per run: ${counts.join(', ')}`).toBe(true)
  // one tfjs-executed graph for the model, no onnxruntime session opened by the studio, none added per run
  expect(new Set(caches), `ORT sessions / ONNX graphs per run: ${caches.join(', ')}`).toEqual(new Set(['0/1']))
  // the last run's results survive a reload
  await page.reload()
  await expect(page.getByTestId('studio-restored')).toBeVisible()
  await expect(page.getByTestId('metric-row')).toHaveCount(2)
})
