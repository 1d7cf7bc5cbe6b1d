// `PREVIEW_PORT=4185 npx tsx bench/manifoldPage.ts /tmp/out 420`: a default manifold-lab run in headless Chromium
// against the production build already served on PREVIEW_PORT (`npm start`), no URL flags, so the app picks its
// backend itself. Logs each finished lap (wall seconds since Start, the page's lap table, load), when each E-step
// began, the CPU seconds of Chromium's processes so far, and at the end (or after the limit in seconds) writes /tmp/out.json, /tmp/out-page.png, /tmp/out-corner.png.
import { chromium } from '@playwright/test'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
const port = Number(process.env.PREVIEW_PORT ?? 4185)
const outDir = process.argv[2] ?? '/tmp/h13m2/page'
const limit = Number(process.argv[3] ?? 420) * 1000
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--enable-unsafe-webgpu', '--disable-quic'], headless: true })
/** CPU seconds (user + system) of `root`'s descendants (not `root`), from /proc (Linux). */
function browserCpuSeconds(root: number | undefined): number {
  if (!root) return NaN
  const stats = new Map<number, { ppid: number; ticks: number }>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ').at(-1)!.split(' ')
      stats.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) })
    } catch { /* gone */ }
  }
  const inTree = (pid: number): boolean => { for (let p = pid, i = 0; p > 1 && i < 64; p = stats.get(p)?.ppid ?? 0, i++) if (p === root) return true; return false }
  let ticks = 0
  for (const [pid, st] of stats) if (pid !== root && inTree(pid)) ticks += st.ticks
  return ticks / 100 // USER_HZ
}
// Playwright launches Chromium as a child of this Node process: the tree below it is the browser (plus this
// script's own polling, a fraction of a second per lap).
const browserPid = process.pid
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()) })
await page.goto(`http://127.0.0.1:${port}/#/manifold`)
const badge = page.getByTestId('backend-badge')
await page.waitForFunction(() => document.querySelector('[data-testid=backend-badge]')?.hasAttribute('data-backend'), null, { timeout: 120_000 })
const hint = await page.locator('.panel .hint').first().innerText()
const t0 = Date.now()
const startIso = new Date().toISOString()
await page.getByTestId('em-start').click()
const laps: Array<Record<string, unknown>> = []
let last = ''
const estepSeen = new Map<string, number>()
for (;;) {
  await page.waitForTimeout(1000)
  const label = await page.getByTestId('em-lap-label').innerText().catch(() => '')
  if (label && label !== last) {
    last = label
    const table = await page.getByTestId('em-lap-table').innerText().catch(() => '')
    const rec = { label, wall: (Date.now() - t0) / 1000, cpu: browserCpuSeconds(browserPid), table: table.replace(/\s+/g, ' '), load1: loadavg()[0] }
    laps.push(rec)
    console.log(JSON.stringify(rec))
  }
  const prog = await page.getByTestId('em-progress').innerText().catch(() => '')
  const m = /lap (\d+) of \d+ — E-step/.exec(prog)
  if (m && !estepSeen.has(m[1]!)) { estepSeen.set(m[1]!, (Date.now() - t0) / 1000); console.log(`E-step of lap ${m[1]} from ${estepSeen.get(m[1]!)} s`) }
  const running = await page.getByTestId('em-progress').count()
  if ((running === 0 && laps.length > 1) || Date.now() - t0 > limit) break
}
const backend = { backend: await badge.getAttribute('data-backend'), source: await badge.getAttribute('data-source'), title: await badge.getAttribute('title') }
await page.screenshot({ path: `${outDir}-page.png`, fullPage: true })
await page.getByTestId('corner-plot').screenshot({ path: `${outDir}-corner.png` })
writeFileSync(`${outDir}.json`, JSON.stringify({ startIso, endIso: new Date().toISOString(), backend, hint, laps, estepStart: Object.fromEntries(estepSeen), lapTime: await page.getByTestId('em-lap-time').innerText().catch(() => '') }, null, 1))
console.log(JSON.stringify({ backend, hint, total: (Date.now() - t0) / 1000 }))
await browser.close()
