// `npx tsx bench/manifoldNoise.ts`: the noise of the manifold lab's Sinkhorn estimate S(u1, u2, v) at n = 256 and
// 512 points (docs/manifold-retune.md §4). Disjoint replicates of the seed-0 manifold's truth sets, each against its
// own slice of (a) a near-the-curve stand-in for E-step samples (truth + N(0, 0.25²) per coordinate) and (b) lap 0's
// samples (exact posteriors under the Monte-Carlo-EM Gaussian fit of 4096 observations). Minutes of CPU at n = 512.
import { makeManifoldTask, MANIFOLD_DIM as D } from '../src/core/data/manifoldTask'
import { sinkhornDivergence } from '../src/core/metrics/sinkhorn'
import { fitGaussianPrior } from '../src/core/em/gaussianFit'
import { mulberry32, normals } from '../src/core/linalg/random'

const t = makeManifoldTask({ count: 4096, evalSize: 3072, seed: 0, sigmaY: 0.01 })
const z = normals(4096 * D, mulberry32(5))
const sets: Record<string, Float64Array> = {
  'truth + N(0, 0.25²)': Float64Array.from(t.truth, (x, i) => x + 0.25 * z[i]!),
  'lap 0 (Gaussian fit, 4096 obs)': Float64Array.from(fitGaussianPrior(t.obs, D, 16, mulberry32(17)).samples),
}
for (const [what, v] of Object.entries(sets)) {
  for (const n of [256, 512]) {
    const reps = 6
    const vals: number[] = []
    const t0 = performance.now()
    for (let k = 0; k < reps; k++) {
      const sl = (a: Float64Array): Float64Array => a.subarray(k * n * D, (k + 1) * n * D)
      vals.push(sinkhornDivergence(sl(t.evalA), sl(t.evalB), sl(v), D))
    }
    const mean = vals.reduce((a, b) => a + b) / reps
    const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1))
    console.log(JSON.stringify({ what, n, reps, mean: +mean.toFixed(4), sd: +sd.toFixed(4), vals: vals.map((x) => +x.toFixed(3)), seconds: +((performance.now() - t0) / 1000).toFixed(1) }))
  }
}
