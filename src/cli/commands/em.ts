// `npm run cli -- em --preset tiny --laps 4 --seed 7 --out em.json`: the manifold lab's DiEM loop in Node
// (same code as the page). Lap 0 is the initial Gaussian prior.
import { writeFileSync } from 'node:fs'
import { CliError, parseFlags, type Command } from '../command'
import { useNodeBackend } from '../nodeTf'
import { MANIFOLD_PRESETS, type ManifoldPreset } from '../../core/em/presets'
import { runManifold } from '../../engines/tfjs/manifoldRunner'

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a non-negative integer, got "${v}"`)
  return n
}

const command: Command = {
  summary: 'run DiEM on the manifold experiment and write per-lap metrics',
  async run(args) {
    const values = parseFlags(args, ['preset', 'laps', 'seed', 'out', 'backend'])
    const presetName = values.preset ?? 'tiny'
    if (!(presetName in MANIFOLD_PRESETS)) throw new CliError(`--preset must be one of ${Object.keys(MANIFOLD_PRESETS).join(', ')}, got "${presetName}"`)
    const base = MANIFOLD_PRESETS[presetName as ManifoldPreset]
    const config = { ...base, laps: positiveInt('laps', values.laps, base.laps), seed: positiveInt('seed', values.seed, base.seed) }
    if (config.laps < 1) throw new CliError('--laps must be at least 1 (lap 0 is the Gaussian prior)')
    const backend = await useNodeBackend(values.backend)
    const laps: { lap: number; sinkhorn: number; sliced_wasserstein: number; seconds: number; kept: number; final_loss: number | null }[] = []
    await runManifold(config, undefined, (r) => {
      laps.push({ lap: r.lap, sinkhorn: r.sinkhorn, sliced_wasserstein: r.slicedWasserstein, seconds: r.seconds, kept: r.kept, final_loss: r.losses.at(-1) ?? null })
      process.stderr.write(`lap ${r.lap}: sinkhorn ${r.sinkhorn.toExponential(3)}, SW ${r.slicedWasserstein.toFixed(4)}, ${r.seconds.toFixed(1)} s, kept ${r.kept}\n`)
    }, { onProgress: () => {} })
    const out = JSON.stringify({ config: { ...config, backend }, laps }, null, 1)
    if (values.out) writeFileSync(values.out, out)
    else process.stdout.write(out + '\n')
  },
}
export default command
