// Validates the URL's query parameters. Unknown values never crash the app: they come back as a message.
import { isTfjsBackend, TFJS_BACKENDS, type TfjsBackend } from '../engines/tfjs/backends'

export interface ShellParams {
  backend?: TfjsBackend
  problems: string[]
}

export function parseShellParams(search: string): ShellParams {
  const q = new URLSearchParams(search)
  const problems: string[] = []
  const raw = q.get('backend')
  let backend: TfjsBackend | undefined
  if (raw !== null && raw !== '' && raw !== 'auto') {
    if (isTfjsBackend(raw)) backend = raw
    else problems.push(`Unknown backend "${raw}" in ?backend=; use one of ${TFJS_BACKENDS.join(', ')} or auto. Using the automatic choice.`)
  }
  return { backend, problems }
}
