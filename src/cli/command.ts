import { parseArgs, type ParseArgsConfig } from 'node:util'

/** An expected, user-facing failure: printed as one line, exit code 2. */
export class CliError extends Error {}

export interface Command {
  readonly summary: string
  run(args: string[]): Promise<void>
}

/** node:util parseArgs (strict) over string flags and boolean switches; its errors become one-line CliErrors. */
export function parseFlags<const S extends string, const B extends string = never>(
  args: string[],
  strings: readonly S[],
  booleans: readonly B[] = [],
): Partial<Record<S, string>> & Partial<Record<B, boolean>> {
  const options: ParseArgsConfig['options'] = {}
  for (const n of strings) options[n] = { type: 'string' }
  for (const n of booleans) options[n] = { type: 'boolean' }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Partial<Record<S, string>> & Partial<Record<B, boolean>>
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e))
  }
}
