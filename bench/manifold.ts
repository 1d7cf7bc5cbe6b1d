// `npm run bench:manifold`: DiEM lap times per tfjs backend available in Node (wasm, cpu) for the tiny and
// default presets, and the EM curves (Sinkhorn, sliced Wasserstein per lap). One run, one table.
// Browser backends (webgpu, webgl) are measured by `npm run bench:manifold:browser` (headless Chromium).
import { cpus } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { MANIFOLD_PRESETS, type ManifoldPreset } from '../src/core/em/presets'
import { runManifold, type LapRecord } from '../src/engines/tfjs/manifoldRunner'

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]))
const lapsFor: Record<ManifoldPreset, number> = { tiny: Number(args.get('tiny-laps') ?? 6), default: Number(args.get('default-laps') ?? 4), paper: 0 }
const backends = (args.get('backends') ?? 'wasm,cpu').split(',')

interface Row { backend: string; preset: ManifoldPreset; laps: LapRecord[] }
const rows: Row[] = []
for (const backend of backends) {
  await tf.setBackend(backend)
  for (const preset of ['tiny', 'default'] as const) {
    if (backend === 'cpu' && preset === 'default' && !args.has('cpu-default')) continue // minutes per lap on cpu
    const laps: LapRecord[] = []
    await runManifold({ ...MANIFOLD_PRESETS[preset], laps: lapsFor[preset] }, undefined, (r) => { laps.push(r) }, { onProgress: () => {} })
    rows.push({ backend, preset, laps })
    process.stderr.write(`${backend} ${preset}: done\n`)
  }
}

console.log(`# bench:manifold — ${new Date().toISOString()} — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`)
console.log('| backend | preset | mean lap time (laps ≥ 1) | lap 0 (Gaussian fit) |')
console.log('|---|---|---|---|')
for (const r of rows) {
  const later = r.laps.filter((l) => l.lap > 0)
  const mean = later.reduce((s, l) => s + l.seconds, 0) / Math.max(1, later.length)
  console.log(`| ${r.backend} | ${r.preset} | ${mean.toFixed(2)} s | ${r.laps[0]!.seconds.toFixed(2)} s |`)
}
for (const r of rows) {
  console.log(`\n${r.backend} / ${r.preset}: lap, Sinkhorn, sliced Wasserstein, seconds, kept`)
  for (const l of r.laps) console.log(`  ${l.lap}\t${l.sinkhorn.toExponential(3)}\t${l.slicedWasserstein.toFixed(4)}\t${l.seconds.toFixed(2)}\t${l.kept}`)
}
