// `npm run cli -- onnx-check`: one JSON object on stdout; user errors are one line on stderr with exit code 2.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'

const ROOT = join(__dirname, '..', '..')
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'onnx-check', ...args], { cwd: ROOT, encoding: 'utf8' })

describe('onnx-check CLI', () => {
  test('tiny EDM denoiser: one JSON object, parity and gradcheck pass', () => {
    const r = cli('test/fixtures/onnx-ops/tiny_edm_denoiser.onnx', '--size', '8', '--channels', '3', '--sigmas', '0.1,2', '--backend', 'cpu')
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const j = JSON.parse(lines[0] as string) as Record<string, unknown>
    expect(Object.keys(j).slice(0, 6)).toEqual(['unsupported', 'parity_max_abs', 'gradcheck_rel', 'ms_forward_ort', 'ms_forward_tfjs', 'ms_vjp_tfjs'])
    expect(j.unsupported).toEqual([])
    expect(j.parity_max_abs as number).toBeLessThanOrEqual(1e-4)
    expect(j.gradcheck_rel as number).toBeLessThanOrEqual(1e-2)
  })

  test('unsupported ops are listed (exit 1); corrupt file is one line, exit 2', () => {
    const u = cli('test/fixtures/onnx-ops/invalid_unsupported_ops.onnx')
    expect(u.status).toBe(1)
    expect((JSON.parse(u.stdout) as { unsupported: unknown }).unsupported).toEqual([{ op: 'Einsum', node: 'my_einsum' }, { op: 'com.microsoft.FusedConv', node: 'ms_fused' }, { op: 'Resize', node: 'cubic_resize', reason: 'mode=cubic (nearest and linear only)' }])
    const bad = join(tmpdir(), 'not-a-model.onnx')
    writeFileSync(bad, 'hello, this is not protobuf at all')
    const c = cli(bad)
    expect(c.status).toBe(2)
    expect(c.stderr.trim().split('\n')).toHaveLength(1)
    expect(c.stderr).toMatch(/^error: .*ONNX/)
  })
})
