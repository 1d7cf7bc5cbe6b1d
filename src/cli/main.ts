// `npm run cli -- <command> [...]`: one file per command under src/cli/commands, one registry line each.
// A CliError is printed as one line (no stack) with exit code 2.
import { CliError, type Command } from './command'

const commands: Record<string, () => Promise<Command>> = {
  // one line per command, e.g.:  sample: async () => (await import('./commands/sample')).default,
  'onnx-check': async () => (await import('./commands/onnxCheck')).default,
  em: async () => (await import('./commands/em')).default,
  toy: async () => (await import('./commands/toy')).default,
  sample: async () => (await import('./commands/sample')).default,
  pcs: async () => (await import('./commands/pcs')).default,
  'em-images': async () => (await import('./commands/emImages')).default,
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv
  const load = name === undefined ? undefined : commands[name]
  if (!load) {
    throw new CliError(`unknown command ${JSON.stringify(name ?? '')}; commands: ${Object.keys(commands).join(', ') || '(none yet)'}`)
  }
  const command = await load()
  await command.run(rest)
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CliError) {
    process.stderr.write(`error: ${err.message}\n`)
    process.exit(2)
  }
  throw err
})
