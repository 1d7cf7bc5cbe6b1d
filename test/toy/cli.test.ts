// The `toy` CLI command end to end (child process), on a tiny setting, and a bad flag.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const cli = (args: string[]) => run('npx', ['tsx', 'src/cli/main.ts', 'toy', ...args], { cwd: process.cwd(), timeout: 90_000 })

describe('npm run cli -- toy', () => {
  it('writes {"results": [...]} over the grid and all four covariances', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'toy-')), 'toy.json')
    await cli(['--seeds', '2', '--preset', 'tiny', '--sigmas', '0.1,1', '--prior-samples', '256', '--set-size', '16', '--out', out, '--quiet'])
    const json = JSON.parse(readFileSync(out, 'utf8')) as { results: { sigma_t: number; covariance: string; seed: number; sinkhorn: number }[] }
    expect(json.results.length).toBe(2 * 2 * 4)
    expect(new Set(json.results.map((r) => r.covariance))).toEqual(new Set(['tweedie', 'inverse', 'sigma_t', 'zero']))
    expect(new Set(json.results.map((r) => r.seed))).toEqual(new Set([0, 1]))
    for (const r of json.results) {
      expect(Object.keys(r)).toEqual(['sigma_t', 'covariance', 'seed', 'sinkhorn'])
      expect(r.sinkhorn).toBeGreaterThanOrEqual(1e-6)
    }
  })

  it('a bad flag is one line on stderr and exit code 2', async () => {
    const cases = [['--seeds', 'x'], ['--preset', 'huge'], ['--nope']]
    const errs = await Promise.all(cases.map((args) => cli(args).then(() => undefined, (e: { code: number; stderr: string }) => e)))
    for (const err of errs) {
      expect(err?.code).toBe(2)
      expect(err?.stderr.trim().split('\n')).toHaveLength(1)
      expect(err?.stderr).toMatch(/^error: /)
    }
  })
})
