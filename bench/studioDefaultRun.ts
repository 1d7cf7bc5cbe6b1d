// `npm run bench:studio-default`: what a new user meets — the studio's default run (no URL parameters: the page's
// own defaults, src/core/studio/config.ts DEFAULT_CONFIG) in headless Debian Chromium on the production build
// (`vite build` + `vite preview`, as `npm start`), once with --enable-unsafe-webgpu and once without, each in a
// fresh browser profile (no cached backend verdict). Prints the backend chosen (the badge and its reason), the
// executor the worker built (its `[onnx]` console line), wall seconds from page load to Run enabled, each
// method's seconds (wall from the click until its row says done, and the compute seconds the row reports) and the
// run's total. Options: --modes=webgpu,no-webgpu, --timeout-min=15 (per mode; a run still going is reported with
// the step each method reached), --no-build (reuse dist/), --json=path.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname } from 'node:path'
import { servePreview } from './preview'

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string | undefined]))
const MODES = (args.get('modes') ?? 'webgpu,no-webgpu').split(',')
for (const m of MODES) if (m !== 'webgpu' && m !== 'no-webgpu') throw new Error(`--modes: "${m}" is neither webgpu nor no-webgpu`)
const TIMEOUT_MS = Number(args.get('timeout-min') ?? 15) * 60_000

interface MethodTime { index: number; name: string; status: string; wallS: number | null; computeS: number | null; reached: number; text: string }

interface ModeResult {
  mode: string
  url: string
  backend: string
  reason: string
  source: string
  executor: string[]
  loadToReadyS: number
  runWallS: number | null
  clock: string
  methods: MethodTime[]
  consoleErrors: string[]
  finished: boolean
}

const text = async (p: import('@playwright/test').Page, testId: string): Promise<string> => (await p.getByTestId(testId).first().textContent({ timeout: 2000 }).catch(() => '')) ?? ''

async function runMode(base: string, mode: string): Promise<ModeResult> {
  const { chromium } = await import('@playwright/test')
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: mode === 'webgpu' ? ['--enable-unsafe-webgpu', '--disable-quic'] : ['--disable-quic'] })
  const consoleErrors: string[] = []
  const executor: string[] = []
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
    const page = await context.newPage()
    const onConsole = (m: import('@playwright/test').ConsoleMessage): void => {
      if (m.type() === 'error') consoleErrors.push(m.text())
      if (m.text().startsWith('[onnx]')) executor.push(m.text())
    }
    page.on('console', onConsole)
    page.on('worker', (w) => w.on('console', onConsole))
    const t0 = performance.now()
    await page.goto(`${base}/#/studio`)
    await page.getByTestId('studio-run').waitFor({ state: 'visible', timeout: TIMEOUT_MS })
    await page.waitForFunction(() => !(document.querySelector('[data-testid="studio-run"]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: TIMEOUT_MS, polling: 200 })
    const loadToReadyS = (performance.now() - t0) / 1000
    const url = page.url()
    process.stderr.write(`[${mode}] Run enabled after ${loadToReadyS.toFixed(1)} s; ${url}\n`)
    const rows = page.locator('.method-row')
    const tClick = performance.now()
    await page.getByTestId('studio-run').click()
    // wait for the rows to appear, then poll their status until none is running
    await rows.first().waitFor({ timeout: TIMEOUT_MS })
    const n = await rows.count()
    const doneAt = new Map<number, number>()
    let finished = false
    let lastLog = 0
    while (performance.now() - tClick < TIMEOUT_MS) {
      const statuses = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? 'running'))
      for (let i = 0; i < statuses.length; i++) if (statuses[i] !== 'running' && !doneAt.has(i)) doneAt.set(i, (performance.now() - tClick) / 1000)
      const idle = await page.getByTestId('studio-cancel').count() === 0
      if (statuses.length === n && statuses.every((s) => s !== 'running') && idle) {
        finished = true
        break
      }
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now()
        process.stderr.write(`[${mode}] ${((performance.now() - tClick) / 1000).toFixed(0)} s: ${await text(page, 'studio-clock')}\n`)
      }
      await page.waitForTimeout(250)
    }
    const runWallS = finished ? (performance.now() - tClick) / 1000 : null
    const methods: MethodTime[] = []
    for (let i = 0; i < n; i++) {
      const row = rows.nth(i)
      const status = (await row.getAttribute('data-status')) ?? 'running'
      const reached = Number((await row.getAttribute('data-reached')) ?? 0)
      const name = ((await row.locator('.method-head strong').textContent()) ?? `method ${i}`).trim()
      const t = ((await row.getByTestId(`method-status-${i}`).textContent()) ?? '').trim()
      const compute = /done in ([\d.]+) s of compute/.exec(t)
      methods.push({ index: i, name, status, wallS: doneAt.get(i) ?? null, computeS: compute ? Number(compute[1]) : null, reached, text: t })
    }
    const badge = page.getByTestId('backend-badge')
    const result: ModeResult = {
      mode,
      url,
      backend: (await badge.getAttribute('data-backend')) ?? '',
      reason: (await text(page, 'backend-reason')).replace(/^\s*·\s*/, ''),
      source: (await badge.getAttribute('data-source')) ?? '',
      executor,
      loadToReadyS,
      runWallS,
      clock: await text(page, 'studio-clock'),
      methods,
      consoleErrors,
      finished,
    }
    if (!finished) await page.getByTestId('studio-cancel').click({ timeout: 5000 }).catch(() => {})
    await context.close()
    return result
  } finally {
    await browser.close()
  }
}

function report(results: ModeResult[], version: string): void {
  console.log(`# bench:studio-default — ${new Date().toISOString()}`)
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, Chromium ${version} (headless), load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}. The studio's default run (no URL parameters), a fresh profile per mode.\n`)
  for (const r of results) {
    console.log(`## ${r.mode === 'webgpu' ? 'with --enable-unsafe-webgpu' : 'without the WebGPU flag'}`)
    console.log(`- URL after load (the defaults): ${r.url.replace(/^https?:\/\/[^/]+/, '')}`)
    console.log(`- backend: ${r.backend || '?'} (${r.source || 'no verdict source'})${r.reason ? ` — ${r.reason}` : ''}`)
    console.log(`- executor: ${r.executor.length > 0 ? r.executor.join(' | ') : 'tfjs (the worker logged no [onnx] line: the ORT VJP executor was not tried)'}`)
    console.log(`- page load → Run enabled: ${r.loadToReadyS.toFixed(1)} s`)
    console.log(`- run: ${r.finished ? `${(r.runWallS as number).toFixed(1)} s wall from the click to the last method done` : `NOT finished within ${TIMEOUT_MS / 60_000} min`}; the clock says "${r.clock}"`)
    console.log(`- console errors: ${r.consoleErrors.length === 0 ? 'none' : r.consoleErrors.slice(0, 5).join(' | ')}\n`)
    console.log('| method | status | wall s (click → done) | compute s (its row) | steps reached |')
    console.log('|---|---|---|---|---|')
    for (const m of r.methods) console.log(`| ${m.name} | ${m.status} | ${m.wallS === null ? '—' : m.wallS.toFixed(1)} | ${m.computeS === null ? '—' : m.computeS.toFixed(1)} | ${m.reached} |`)
    const total = r.methods.reduce((s, m) => s + (m.computeS ?? 0), 0)
    console.log(`| **total** | ${r.finished ? 'done' : 'unfinished'} | ${r.runWallS === null ? '—' : r.runWallS.toFixed(1)} | ${total.toFixed(1)} (sum) | |\n`)
  }
}

async function main(): Promise<void> {
  const server = await servePreview('index.html', args.has('no-build'))
  const results: ModeResult[] = []
  let version = ''
  try {
    const { chromium } = await import('@playwright/test')
    const b = await chromium.launch({ executablePath: '/usr/bin/chromium' })
    version = b.version()
    await b.close()
    for (const mode of MODES) results.push(await runMode(server.base, mode))
  } finally {
    server.stop()
  }
  report(results, version)
  const json = args.get('json')
  if (json) {
    mkdirSync(dirname(json), { recursive: true })
    writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), version, results }, null, 1))
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e)
  process.exit(1)
})
