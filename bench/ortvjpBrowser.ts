// The ORT-VJP executor in the browser (issue 11): its init time on a first and a second visit (same profile, so
// IndexedDB persists), and the default studio run's wall time, in Debian Chromium through Playwright, against a
// running preview server (npm start with PREVIEW_PORT). Prints one line per visit.
//   npx tsx bench/ortvjpBrowser.ts [--webgpu] [--visits=2] [--studio] [--query=executor=tfjs] [--hash=studio]
import { chromium } from '@playwright/test'

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const webgpu = process.argv.includes('--webgpu')
const studio = process.argv.includes('--studio')
const visits = Number(arg('visits') ?? 2)
const query = arg('query') ?? ''
const hash = arg('hash') ?? 'studio'
const base = `http://127.0.0.1:${Number(process.env.PREVIEW_PORT ?? 4173)}`

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...(webgpu ? ['--enable-unsafe-webgpu'] : []), '--disable-quic'] })
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
for (let v = 1; v <= visits; v++) {
  const page = await context.newPage()
  const t0 = Date.now()
  const lines: string[] = []
  const errors: string[] = []
  const log = (m: { type(): string; text(): string }): void => {
    const text = m.text()
    if (m.type() === 'error') errors.push(text)
    if (/^\[(onnx|ort-vjp)\]/.test(text)) lines.push(`+${((Date.now() - t0) / 1000).toFixed(1)} s ${text}`)
  }
  page.on('console', log)
  // (Playwright reports the workers' console messages on the page too)
  await page.goto(`${base}/${query ? `?${query}` : ''}#/${hash}`)
  let runS: number | undefined
  if (studio) {
    await page.getByTestId('studio-run').waitFor({ state: 'visible' })
    await page.waitForFunction(() => !(document.querySelector('[data-testid="studio-run"]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 300_000 })
    const r0 = Date.now()
    await page.getByTestId('studio-run').click()
    await page.locator('[data-testid="method-0"][data-status]').waitFor({ timeout: 300_000 })
    // the method rows are method-0 … method-(n−1)
    let methods = 0
    while (await page.locator(`[data-testid="method-${methods}"]`).count() > 0) methods++
    for (let i = 0; i < methods; i++) await page.locator(`[data-testid="method-${i}"][data-status="done"]`).waitFor({ timeout: 900_000 })
    runS = (Date.now() - r0) / 1000
    // a first visit prepares the ORT executor in the background after the run: let it finish (the next visit times it)
    if (process.argv.includes('--wait-prep')) {
      const w0 = Date.now()
      while (!lines.some((l) => l.includes('[ort-vjp]') || l.includes('not used')) && Date.now() - w0 < 240_000) await page.waitForTimeout(500)
      await page.waitForTimeout(3000) // the graphs are stored after the init answer
    }
  } else if (process.argv.includes('--wait-ort')) {
    const w0 = Date.now()
    while (!lines.some((l) => l.includes('[ort-vjp]') || l.includes('ORT VJP executor not used')) && Date.now() - w0 < 300_000) await page.waitForTimeout(250)
  } else {
    await page.waitForFunction(() => document.querySelector('[data-testid="backend-badge"]')?.getAttribute('data-backend'), undefined, { timeout: 120_000 })
  }
  const badge = `${await page.getByTestId('backend-badge').textContent()}` + ` [executor ${await page.getByTestId('backend-badge').getAttribute('data-executor')}]`
  console.log(`visit ${v}${webgpu ? ' (--enable-unsafe-webgpu)' : ''}${query ? ` ?${query}` : ''}: ${runS === undefined ? '' : `studio run ${runS.toFixed(1)} s (click → every method done); `}badge "${badge}"; console errors: ${errors.length}${errors.length ? ` (${errors.slice(0, 3).join(' | ')})` : ''}`)
  for (const l of lines) console.log(`  ${l}`)
  await page.close()
}
await browser.close()
