// Writes the image EM lab's fixed digit split (src/core/emImages/digits.ts emDigitSplit, held-out 2,000) as
// JSON for train.py: `npx tsx models/mnist-classifier/split.ts OUT.json`. Indices are into the set of
// src/core/emImages/mnistLoad.ts (classes 0…9 concatenated in the order of the npm package `mnist`).
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { emDigitSplit } from '../../src/core/emImages/digits'
import { loadMnist } from '../../src/core/emImages/mnistLoad'
import { IMAGE_EM_PRESETS } from '../../src/core/emImages/presets'

export function indexHash(idx: Int32Array): string {
  return createHash('sha256').update(Buffer.from(idx.buffer, idx.byteOffset, idx.byteLength)).digest('hex')
}

const out = process.argv[2]
if (!out) throw new Error('usage: split.ts OUT.json')
const set = await loadMnist()
const split = emDigitSplit(set.count, IMAGE_EM_PRESETS.tiny.heldOut)
writeFileSync(out, JSON.stringify({
  count: set.count,
  heldOut: Array.from(split.heldOut),
  classifier: Array.from(split.classifier),
  observedCount: split.observed.length,
  sha256: { heldOut: indexHash(split.heldOut), classifier: indexHash(split.classifier) },
}))
console.log(`held-out ${split.heldOut.length}, classifier ${split.classifier.length}, observed ${split.observed.length} → ${out}`)
