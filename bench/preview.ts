// The production build served as `npm start` serves it (vite build + vite preview, cross-origin isolated), for the
// benches that drive headless Chromium through Playwright (bench:engine, bench:studio-default).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')

async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`${url} did not come up in ${ms / 1000} s`)
}

/**
 * Builds dist/ (unless `reuse` and `probe`, a file under dist/, exists), serves it on PREVIEW_PORT (default 4173)
 * and waits until `probe` answers. Returns the base URL and a stop function.
 */
export async function servePreview(probe: string, reuse: boolean): Promise<{ base: string; stop: () => void }> {
  const port = Number(process.env.PREVIEW_PORT ?? 4173)
  if (!reuse || !existsSync(join(ROOT, 'dist', probe))) {
    process.stderr.write('building the app (vite build)…\n')
    execFileSync(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  }
  const server: ChildProcess = spawn(process.execPath, [VITE, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: 'ignore' })
  const base = `http://127.0.0.1:${port}`
  try {
    await waitFor(`${base}/${probe}`, 60_000)
  } catch (e) {
    server.kill()
    throw e
  }
  return { base, stop: () => server.kill() }
}
