import { parseArgs, type ParseArgsConfig } from 'node:util'

/** An expected, user-facing failure: printed as one line, exit code 2. */
export class CliError extends Error {}

export interface Command {
  readonly summary: string
  /** What `<command> --help` prints: the usage line, then one line per flag with its default. */
  readonly usage: string
  run(args: string[]): Promise<void>
}

/** `--help` or `-h` anywhere before a `--`. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--')
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

// A value that starts with a dash but is a number ("-1", "-.5", "-1e3"): node:util parseArgs takes it for a flag
// and reports "argument is ambiguous"; it is joined to its flag so the command's own check can say what is wrong.
const NEGATIVE_NUMBER = /^-(\d|\.\d|inf|nan)/i

function joinNegativeValues(args: readonly string[], strings: ReadonlySet<string>): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    const next = args[i + 1]
    if (a.startsWith('--') && !a.includes('=') && strings.has(a.slice(2)) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${a}=${next}`)
      i++
    } else out.push(a)
  }
  return out
}

const flagList = (names: readonly string[]): string => names.map((n) => `--${n}`).join(', ')

/** parseArgs's errors, each as one line that says what to do. */
function parseError(e: unknown, known: readonly string[]): CliError {
  const code = (e as { code?: unknown }).code
  const msg = e instanceof Error ? e.message : String(e)
  const flag = /'(--?[^' ]+)/.exec(msg)?.[1] ?? ''
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new CliError(`unknown flag ${flag}; the flags are ${flagList(known)} (--help explains them)`)
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(msg) ? new CliError(`${flag} needs a value, as in ${flag} <value> or ${flag}=<value>`) : new CliError(`${flag} takes no value`)
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new CliError(`unexpected argument ${JSON.stringify(/'([^']*)'/.exec(msg)?.[1] ?? '')}; every value follows its flag (--help lists them)`)
    default:
      return new CliError(msg.split('\n')[0] ?? msg)
  }
}

/** node:util parseArgs (strict) over string flags, boolean switches and, where allowed, positional arguments. */
export function parseCommandLine<const S extends string, const B extends string = never>(
  args: readonly string[],
  strings: readonly S[],
  booleans: readonly B[] = [],
  allowPositionals = false,
): { values: Partial<Record<S, string>> & Partial<Record<B, boolean>>; positionals: string[] } {
  const options: ParseArgsConfig['options'] = {}
  for (const n of strings) options[n] = { type: 'string' }
  for (const n of booleans) options[n] = { type: 'boolean' }
  try {
    const r = parseArgs({ args: joinNegativeValues(args, new Set<string>(strings)), options, strict: true, allowPositionals })
    return { values: r.values as Partial<Record<S, string>> & Partial<Record<B, boolean>>, positionals: r.positionals }
  } catch (e) {
    throw parseError(e, [...strings, ...booleans])
  }
}

/** parseCommandLine without positional arguments: just the flags. */
export function parseFlags<const S extends string, const B extends string = never>(
  args: readonly string[],
  strings: readonly S[],
  booleans: readonly B[] = [],
): Partial<Record<S, string>> & Partial<Record<B, boolean>> {
  return parseCommandLine(args, strings, booleans).values
}

/** An integer flag ≥ min (decimal digits only: "1e3", "0x10", "2.0" and "" are refused), or the fallback. */
export function intFlag(name: string, raw: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`
    throw new CliError(`--${name} must be an integer ${range}, got "${raw}"`)
  }
  return n
}

/** A finite number flag > 0, or the fallback. */
export function positiveNumberFlag(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CliError(`--${name} must be a positive number, got "${raw}"`)
  return n
}

/** A comma-separated list of finite numbers > 0, or the fallback. */
export function positiveListFlag(name: string, raw: string | undefined, fallback: readonly number[]): number[] {
  if (raw === undefined) return [...fallback]
  const parts = raw.split(',').map((s) => s.trim())
  const list = parts.map(Number)
  if (parts.some((s) => s === '') || list.some((x) => !Number.isFinite(x) || x <= 0)) {
    throw new CliError(`--${name} must be a comma-separated list of positive numbers, got "${raw}"`)
  }
  return list
}
