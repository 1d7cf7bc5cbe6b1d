// Test helper: the full tfjs package (registers the cpu backend and all gradients) on the 'cpu' backend.
import * as tf from '@tensorflow/tfjs'

export async function useCpu(): Promise<void> {
  tf.env().set('IS_TEST', true) // silences nothing important, keeps tfjs from probing for tfjs-node
  await tf.setBackend('cpu')
  await tf.ready()
}

/** Deterministic normal draws for tests (plain Float64Array, small PRNG; see linalg/random.ts). */
export { tf }
