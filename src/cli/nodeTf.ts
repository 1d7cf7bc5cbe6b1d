// tfjs for CLI commands and benchmarks in Node: the pure-JS package plus the wasm backend (tfjs-node
// cannot be installed here, stack-notes §4). `--backend wasm|cpu` picks one; wasm is the default.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { CliError } from './command'

export async function useNodeBackend(name: string | undefined): Promise<string> {
  const backend = name ?? 'wasm'
  if (backend !== 'wasm' && backend !== 'cpu') throw new CliError(`--backend must be wasm or cpu in Node, got "${backend}"`)
  if (!(await tf.setBackend(backend))) throw new CliError(`the tfjs ${backend} backend failed to initialise`)
  await tf.ready()
  return backend
}
