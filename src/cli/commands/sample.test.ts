// Runs `tsx src/cli/main.ts sample …` as a child process: a good problem and several bad ones.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx')
const dir = mkdtempSync(join(tmpdir(), 'sample-cli-'))
const good = {
  prior: { type: 'gaussian', mean: [0, 0, 0], cov: [[1, 0.5, 0], [0.5, 1, 0], [0, 0, 2]] },
  operator: { type: 'dense', A: [[1, 0, 0], [0, 0, 1]] },
  sigma_y: 0.1, y: [0.5, -1], note: 'unknown fields are ignored',
}
function run(problem: unknown, extra: string[] = []): { status: number | null; stderr: string; out: string } {
  const p = join(dir, `p${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(p, typeof problem === 'string' ? problem : JSON.stringify(problem))
  const out = join(dir, 'out.json')
  const r = spawnSync(tsx, ['src/cli/main.ts', 'sample', '--problem', p, '--steps', '8', '--samples', '16', '--seed', '3', '--out', out, '--backend', 'cpu', ...extra], { encoding: 'utf8' })
  return { status: r.status, stderr: r.stderr, out }
}

describe('sample CLI', () => {
  it('good input: writes config, cost and samples; seeded runs reproduce', () => {
    const r = run(good, ['--method', 'mmps', '--solver', 'cg', '--iters', '2'])
    expect(r.status).toBe(0)
    const res = JSON.parse(readFileSync(r.out, 'utf8')) as { config: Record<string, unknown>; cost: { forward: number; vjp: number; seconds: number }; samples: number[][] }
    expect(res.config.method).toBe('mmps')
    expect(res.cost.forward).toBe(9) // 8 steps + the final call
    expect(res.cost.vjp).toBe(18) // 2 per call: 1 forward + k VJPs
    expect(res.samples).toHaveLength(16)
    expect(res.samples[0]).toHaveLength(3)
    const again = run(good, ['--method', 'mmps', '--solver', 'cg', '--iters', '2'])
    expect(JSON.parse(readFileSync(again.out, 'utf8')).samples).toEqual(res.samples)
  })
  const bad: Array<[string, unknown, RegExp]> = [
    ['missing y', { ...good, y: undefined }, /^error: y: missing/],
    ['wrong dimension', { ...good, y: [1, 2, 3] }, /^error: y: expected length 2/],
    ['non-SPD covariance', { ...good, prior: { ...good.prior, cov: [[1, 2, 0], [2, 1, 0], [0, 0, 1]] } }, /^error: prior.cov: not symmetric positive definite/],
    ['NaN (as a string)', { ...good, sigma_y: 'NaN' }, /^error: sigma_y: expected a finite number/],
    ['operator width', { ...good, operator: { type: 'dense', A: [[1, 0], [0, 1]] } }, /^error: operator.A\[0\]: expected length 3/],
    ['not JSON', '{"prior": NaN}', /^error: --problem .*JSON/],
  ]
  for (const [name, problem, re] of bad) {
    it(`bad input (${name}) → one line naming the field, exit 2`, () => {
      const r = run(problem)
      expect(r.status).toBe(2)
      const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('error:') || l.includes('    at '))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(re)
    })
  }
  it('unknown method → exit 2', () => {
    expect(run(good, ['--method', 'nope']).status).toBe(2)
  })
})
