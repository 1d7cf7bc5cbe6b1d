// Test helper: the full tfjs package (registers the cpu backend and all gradients) on the 'cpu' backend.
import * as tf from '@tensorflow/tfjs'

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu')
  await tf.ready()
}

export { tf }
