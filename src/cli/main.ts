// `npm run cli -- <command> [...]`: see cli.ts (commands, --help). A CliError is printed as one line (no stack)
// with exit code 2.
import { runCli } from './cli'

runCli(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exit(code)
})
