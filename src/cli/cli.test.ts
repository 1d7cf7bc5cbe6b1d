import { describe, expect, it } from 'vitest'
import { COMMANDS, runCli } from './cli'
import { CliError, intFlag, parseCommandLine, parseFlags, positiveListFlag, positiveNumberFlag, wantsHelp } from './command'

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => { out += t }, err: (t) => { err += t } })
  return { code, out, err }
}

describe('parseFlags', () => {
  it('a negative number after its flag is its value, as with --flag=value', () => {
    expect(parseFlags(['--laps', '-1'], ['laps', 'seed'])).toEqual({ laps: '-1' })
    expect(parseFlags(['--laps=-1'], ['laps'])).toEqual({ laps: '-1' })
    expect(parseFlags(['--x', '-.5', '--y', '-1e3', '--z', '-Infinity'], ['x', 'y', 'z'])).toEqual({ x: '-.5', y: '-1e3', z: '-Infinity' })
  })
  it('a flag that looks like a value is still a flag', () => {
    expect(() => parseFlags(['--laps', '--seed', '3'], ['laps', 'seed'])).toThrow(CliError)
  })
  it('unknown flags, missing values and stray arguments each get one line saying what to do', () => {
    expect(() => parseFlags(['--lapz', '3'], ['laps', 'seed'])).toThrow('unknown flag --lapz; the flags are --laps, --seed (--help explains them)')
    expect(() => parseFlags(['--laps'], ['laps'])).toThrow('--laps needs a value, as in --laps <value> or --laps=<value>')
    expect(() => parseFlags(['--quiet=yes'], [], ['quiet'])).toThrow('--quiet takes no value')
    expect(() => parseFlags(['3'], ['laps'])).toThrow('unexpected argument "3"; every value follows its flag')
    expect(parseCommandLine(['m.onnx', '--size', '-2'], ['size'], [], true)).toEqual({ values: { size: '-2' }, positionals: ['m.onnx'] })
  })
})

describe('number flags', () => {
  it('integers: one message for every malformed value', () => {
    expect(intFlag('laps', undefined, 4, 1)).toBe(4)
    expect(intFlag('laps', '7', 4, 1)).toBe(7)
    for (const bad of ['-1', '0', '1.5', '1e3', '0x10', '', ' ', 'four', '9007199254740993']) {
      expect(() => intFlag('laps', bad, 4, 1)).toThrow(`--laps must be an integer ≥ 1, got "${bad}"`)
    }
    expect(() => intFlag('n', '65', 1, 1, 64)).toThrow('--n must be an integer from 1 to 64, got "65"')
  })
  it('positive numbers and lists of them', () => {
    expect(positiveNumberFlag('s', '0.5', 1)).toBe(0.5)
    for (const bad of ['0', '-1', 'NaN', 'Infinity', '', 'x']) expect(() => positiveNumberFlag('s', bad, 1)).toThrow(`--s must be a positive number, got "${bad}"`)
    expect(positiveListFlag('sigmas', '0.1, 1,10', [1])).toEqual([0.1, 1, 10])
    expect(positiveListFlag('sigmas', undefined, [1, 2])).toEqual([1, 2])
    for (const bad of ['0.1,-1', '0.1,,1', '', 'a']) {
      expect(() => positiveListFlag('sigmas', bad, [1])).toThrow(`--sigmas must be a comma-separated list of positive numbers, got "${bad}"`)
    }
  })
  it('--help is seen before a --, not after', () => {
    expect(wantsHelp(['--laps', '3', '--help'])).toBe(true)
    expect(wantsHelp(['-h'])).toBe(true)
    expect(wantsHelp(['--', '--help'])).toBe(false)
  })
})

describe('runCli', () => {
  it('--help lists every command with its summary; no command at all prints it as an error', async () => {
    const r = await cli('--help')
    expect(r.code).toBe(0)
    for (const name of ['em', 'toy', 'sample', 'onnx-check']) expect(r.out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'))
    const none = await cli()
    expect(none.code).toBe(2)
    expect(none.err).toContain('commands:')
  })
  it('<command> --help prints its usage and every flag it accepts', async () => {
    for (const [name, flags] of [
      ['em', ['preset', 'laps', 'seed', 'backend', 'out']],
      ['toy', ['preset', 'seeds', 'sigmas', 'prior-samples', 'set-size', 'quiet', 'out']],
      ['sample', ['problem', 'method', 'solver', 'iters', 'steps', 'samples', 'seed', 'sampler', 'jacobian', 'backend', 'out']],
      ['onnx-check', ['size', 'channels', 'batch', 'backend', 'sigmas', 'seed']],
    ] as const) {
      const r = await cli(name, '--help')
      expect(r.code).toBe(0)
      expect(r.out).toContain(`usage: ${name}`)
      for (const f of flags) expect(r.out, `${name} --${f}`).toMatch(new RegExp(`^ +--${f} `, 'm'))
    }
  })
  it('`em --laps -1` and `em --laps=-1` give the same one-line message and exit 2', async () => {
    const spaced = await cli('em', '--laps', '-1')
    const joined = await cli('em', '--laps=-1')
    expect(spaced).toEqual({ code: 2, out: '', err: 'error: --laps must be an integer ≥ 1, got "-1"\n' })
    expect(joined).toEqual(spaced)
    expect((await cli('toy', '--seeds', '-2')).err).toBe('error: --seeds must be an integer ≥ 1, got "-2"\n')
    expect((await cli('sample', '--problem', 'p.json', '--steps', '-5')).err).toBe('error: --steps must be an integer ≥ 1, got "-5"\n')
    expect((await cli('nope')).err).toBe(`error: unknown command "nope"; commands: ${Object.keys(COMMANDS).join(", ")} (--help explains them)\n`)
  })
})
