// `npx tsx bench/emImagesPage.ts [--preset=default] [--max-minutes=30] [--no-build] [--query=backend=wasm]
//   [--out=docs/bench-em-images-page.md] [--shot=docs/em-images-page-samples.png] [--weights-out=w.json]`
// The Image EM lab PAGE (production build, `vite preview` on PREVIEW_PORT, Debian Chromium headless) with a preset as
// a user gets it (no URL overrides): start, then lap by lap the page's own lap time, FD and PSNR, the wall time
// since Start, and the 1-min load average. At the end (or at --max-minutes) a screenshot of the last lap's sample
// grid, and, with --weights-out, the last lap's U-Net from the page's run export, in unetWeightsFile.ts's format.
// Figures only (no assertions). Run the build at nice 15 first and the timed run with --no-build.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync, readFileSync, existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { unetWeightsToFile } from '../src/engines/tfjs/unetWeightsFile'
import { fromBase64 } from '../src/app/persistence/runFile'
import type { UnetWeights } from '../src/engines/tfjs/unet'

const ROOT = join(import.meta.dirname, '..')
const args = new Map(process.argv.slice(2).map((a) => { const [k, ...v] = a.replace(/^--/, '').split('='); return [k!, v.join('=')] as [string, string] }))
const preset = args.get('preset') ?? 'default'
const maxMs = Number(args.get('max-minutes') ?? 30) * 60_000
const query = args.get('query') ?? ''
const OUT = args.get('out') ?? join('docs', 'bench-em-images-page.md')
const SHOT = args.get('shot') ?? join('docs', `em-images-page-${preset}-samples.png`)

async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`${url} did not come up in ${ms / 1000} s`)
}

interface Row { lap: number; table: string; wallSeconds: number; load: number; at: string }

const port = Number(process.env.PREVIEW_PORT ?? 4173)
const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
if (!args.has('no-build') || !existsSync(join(ROOT, 'dist', 'index.html'))) {
  process.stderr.write('building the app (vite build)…\n')
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}
const server: ChildProcess = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: 'ignore' })
const { chromium } = await import('@playwright/test')
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--enable-unsafe-webgpu', '--disable-quic'] })
const rows: Row[] = []
const loadStart = loadavg()
const started = new Date().toISOString()
let badgeAfter = '', backend = '?', progressLast = '', finished = false, laps = 0, lastLap = -1
try {
  const base = `http://127.0.0.1:${port}`
  await waitFor(base, 60_000)
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true })
  page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`[browser] ${m.text()}\n`) })
  await page.goto(`${base}/${query ? `?${query}` : ''}#/image-em`)
  await page.getByTestId('iem-preset').selectOption(preset)
  const badge = page.getByTestId('backend-badge')
  await badge.waitFor()
  await page.waitForFunction(() => document.querySelector('[data-testid="backend-badge"]')?.getAttribute('data-backend'), undefined, { timeout: 120_000 })
  backend = `${await badge.getAttribute('data-backend')} (${await badge.getAttribute('data-source')})`
  const note = await page.locator('p.hint').first().textContent()
  await page.getByTestId('iem-start').click()
  const t0 = Date.now()
  await page.getByTestId('iem-progress').waitFor({ timeout: 60_000 })
  laps = Number((await page.evaluate(() => (document.querySelector('[data-testid="iem-progress"]')?.textContent ?? ''))).match(/lap \d+ of (\d+)/)?.[1] ?? 0)
  while (Date.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 3000))
    const label = (await page.getByTestId('iem-lap-label').textContent().catch(() => '')) ?? ''
    const lap = Number(label.match(/lap (\d+)/)?.[1] ?? -1)
    if (lap > lastLap) {
      lastLap = lap
      const table = ((await page.getByTestId('iem-lap-table').textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ')
      rows.push({ lap, table, wallSeconds: (Date.now() - t0) / 1000, load: loadavg()[0]!, at: new Date().toISOString() })
      if (lap === 1) badgeAfter = ((await badge.textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim()
      process.stderr.write(`lap ${lap} at ${((Date.now() - t0) / 1000).toFixed(0)} s (load ${loadavg()[0]!.toFixed(1)}): ${table}\n`)
    }
    const prog = page.getByTestId('iem-progress')
    if (await prog.count() === 0) { finished = true; break }
    progressLast = ((await prog.textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ')
  }
  await page.getByTestId('iem-samples').screenshot({ path: SHOT })
  if (args.get('weights-out') && lastLap >= 1) {
    if (!finished) { await page.getByTestId('iem-cancel').click().catch(() => {}); await page.getByTestId('iem-progress').waitFor({ state: 'detached', timeout: 120_000 }).catch(() => {}) }
    await page.locator('details.panel summary').click()
    const download = page.waitForEvent('download')
    await page.getByTestId('iem-export').click()
    const file = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as { laps: Array<{ lap: number; fd?: number; completionPsnr: number; weights?: { config: UnetWeights['config']; names: string[]; shapes: number[][]; data: string[] } }>; run: { config: Record<string, unknown> } }
    const last = [...file.laps].reverse().find((l) => l.weights)!
    const w: UnetWeights = { ...last.weights!, data: last.weights!.data.map((d, i) => fromBase64(d, `weights ${i}`)) }
    writeFileSync(args.get('weights-out')!, JSON.stringify(unetWeightsToFile(w, { source: 'bench/emImagesPage.ts (the Image EM lab page)', preset, lap: last.lap, fd: last.fd ?? null, completionPsnr: last.completionPsnr, backend, config: file.run.config, written: new Date().toISOString() })))
    process.stderr.write(`wrote lap ${last.lap}'s weights to ${args.get('weights-out')}\n`)
  }
  const L: string[] = []
  L.push(`# Image EM lab page, ${preset} preset, in the browser`, '')
  L.push(`Generated by \`npx tsx bench/emImagesPage.ts --preset=${preset}\` (production build, vite preview, Chromium headless /usr/bin/chromium) started ${started}. Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, no GPU. Backend the app picked: ${backend}${badgeAfter ? `; the badge after lap 1: "${badgeAfter}"` : ''}. URL query: \`${query || '(none)'}\`. 1-min load average at start ${loadStart[0]!.toFixed(2)} (5-min ${loadStart[1]!.toFixed(2)}), at end ${loadavg()[0]!.toFixed(2)}.`, '')
  L.push(`Preset note on the page: "${(note ?? '').trim()}"`, '')
  L.push(`| lap | wall s since Start | page: lap metrics | load (1 min) | UTC |`, '|---|---|---|---|---|')
  for (const r of rows) L.push(`| ${r.lap} | ${r.wallSeconds.toFixed(0)} | ${r.table} | ${r.load.toFixed(1)} | ${r.at.slice(11, 19)} |`)
  L.push('', finished ? `Finished all ${laps || lastLap} laps in ${rows.at(-1)?.wallSeconds.toFixed(0)} s of wall time.` : `NOT finished within ${maxMs / 60000} min: last progress "${progressLast}".`, '')
  L.push(`Last lap's samples: ${SHOT}`, '')
  writeFileSync(OUT, L.join('\n'))
  process.stderr.write(`wrote ${OUT}\n`)
} finally {
  await browser.close()
  server.kill()
}
