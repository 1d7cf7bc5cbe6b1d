// The command line without the process around it: `runCli(argv)` resolves to the exit code, writing to the
// given streams, so tests can drive it. One registry line per command; `--help` for the list and for each.
import { CliError, wantsHelp, type Command } from './command'

export const COMMANDS: Record<string, () => Promise<Command>> = {
  'onnx-check': async () => (await import('./commands/onnxCheck')).default,
  em: async () => (await import('./commands/em')).default,
  toy: async () => (await import('./commands/toy')).default,
  sample: async () => (await import('./commands/sample')).default,
  pcs: async () => (await import('./commands/pcs')).default,
  'em-images': async () => (await import('./commands/emImages')).default,
}

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

const processIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }

async function overview(): Promise<string> {
  const rows = await Promise.all(Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(11)} ${(await load()).summary}`))
  return ['usage: npm run cli -- <command> [flags]   (or: tsx src/cli/main.ts <command> [flags])', '', 'commands:', ...rows, '',
    '<command> --help lists its flags. Bad input prints one line starting "error:" and exits with 2.'].join('\n')
}

/** Runs one command line; resolves to the process exit code (0, or 2 for a CliError). Other errors propagate. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const text = await overview()
      if (name === undefined) {
        io.err(`${text}\n`)
        return 2
      }
      io.out(`${text}\n`)
      return 0
    }
    const load = COMMANDS[name]
    if (!load) throw new CliError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')} (--help explains them)`)
    const command = await load()
    if (wantsHelp(rest)) {
      io.out(`${name}: ${command.summary}\n${command.usage}\n`)
      return 0
    }
    await command.run([...rest])
    return 0
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`error: ${e.message}\n`)
      return 2
    }
    throw e
  }
}
