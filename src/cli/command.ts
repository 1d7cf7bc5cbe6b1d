/** An expected, user-facing failure: printed as one line, exit code 2. */
export class CliError extends Error {}

export interface Command {
  readonly summary: string
  run(args: string[]): Promise<void>
}
