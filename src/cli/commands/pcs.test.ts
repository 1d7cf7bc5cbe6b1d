// The `pcs` command end to end in-process: a Gaussian problem file → eigenpairs of the closed-form posterior
// covariance (Σ⁻¹ + σ⁻²I)⁻¹; bad input → one-line CliErrors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import command, { drawFromPrior } from './pcs'
import { parsePrior } from './sample'
import { CliError } from '../command'
import { add, identity, inverse, symEig, toRows } from '../../core/linalg/dense'
import { mulberry32 } from '../../core/linalg/random'

const dir = mkdtempSync(join(tmpdir(), 'pcs-cli-'))
const n = 5
const cov = [[2, 0.3, 0, 0, 0.1], [0.3, 1, 0.2, 0, 0], [0, 0.2, 0.5, 0.1, 0], [0, 0, 0.1, 0.3, 0], [0.1, 0, 0, 0, 0.2]]
const problem = { prior: { type: 'gaussian', mean: [0, 1, 0, -1, 0.5], cov }, operator: { type: 'dense', A: [[1, 0, 0, 0, 0]] }, sigma_y: 0.1, y: [0] }

describe('cli pcs', () => {
  it('Gaussian prior: eigenvalues (descending) and unit vectors of the exact posterior covariance, both Jacobian modes', async () => {
    const p = join(dir, 'p.json')
    writeFileSync(p, JSON.stringify(problem))
    const sigma = 0.4
    const post = inverse(add(inverse(Float64Array.from(cov.flat()), n), identity(n, sigma ** -2)), n)
    const { values, vectors } = symEig(post, n)
    const order = [0, 1, 2, 3, 4].sort((a, b) => values[b] - values[a])
    for (const jac of ['exact', 'fd']) {
      const out = join(dir, `out-${jac}.json`)
      await command.run(['--problem', p, '--sigma', String(sigma), '--k', '2', '--iters', '200', '--seed', '4', '--jacobian', jac, '--backend', 'cpu', '--out', out])
      const r = JSON.parse(readFileSync(out, 'utf8')) as { eigenvalues: number[]; vectors: number[][]; config: { fd_step: number | null } }
      expect(r.eigenvalues).toHaveLength(2)
      expect(r.eigenvalues[0]).toBeGreaterThan(r.eigenvalues[1])
      r.eigenvalues.forEach((v, i) => expect(v / values[order[i]]).toBeCloseTo(1, 3))
      r.vectors.forEach((v, i) => {
        expect(v.reduce((s, e) => s + e * e, 0)).toBeCloseTo(1, 5)
        const q = toRows(vectors, n).map((row) => row[order[i]])
        expect(Math.abs(v.reduce((s, e, j) => s + e * q[j], 0))).toBeGreaterThan(0.999)
      })
      expect(r.config.fd_step === null).toBe(jac === 'exact')
    }
  })
  it('draws x from a mixture prior by its weights', () => {
    const pr = parsePrior({ type: 'gmm', weights: [0.2, 0.8], means: [[-10, 0], [10, 0]], covs: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] })
    const u = mulberry32(1)
    let right = 0
    for (let i = 0; i < 2000; i++) if (drawFromPrior(pr, u)[0] > 0) right++
    expect(right / 2000).toBeGreaterThan(0.76)
    expect(right / 2000).toBeLessThan(0.84)
  })
  it('bad input gives one-line messages', async () => {
    const p = join(dir, 'p.json')
    writeFileSync(p, JSON.stringify(problem))
    await expect(command.run(['--problem', p, '--k', '2'])).rejects.toThrow(/--sigma is required/)
    await expect(command.run(['--problem', p, '--sigma', '0.5', '--k', '9'])).rejects.toThrow(/exceeds the dimension 5/)
    await expect(command.run(['--problem', p, '--sigma', '0.5', '--jacobian', 'vjp'])).rejects.toThrow(/exact or fd/)
    await expect(command.run(['--sigma', '0.5'])).rejects.toThrow(CliError)
    writeFileSync(p, JSON.stringify({ prior: { type: 'gaussian', mean: [0, 0], cov: [[1, 2], [2, 1]] } }))
    await expect(command.run(['--problem', p, '--sigma', '0.5', '--k', '1'])).rejects.toThrow(/not symmetric positive definite/)
  })
})
