// `npm run cli -- em --preset tiny --laps 4 --seed 7 --out em.json`: the manifold lab's DiEM loop in Node
// (same code as the page). Lap 0 is the initial Gaussian prior.
import { writeFileSync } from 'node:fs'
import { CliError, intFlag, parseFlags, type Command } from '../command'
import { useNodeBackend } from '../nodeTf'
import { MANIFOLD_PRESETS, type ManifoldPreset } from '../../core/em/presets'
import { runManifold } from '../../engines/tfjs/manifoldRunner'

const command: Command = {
  summary: 'run DiEM on the manifold experiment and write per-lap metrics',
  usage: [
    'usage: em [--preset tiny|default|paper] [--laps N] [--seed N] [--backend wasm|cpu] [--out em.json]',
    '  --preset   problem and model sizes (default tiny); the same presets as the manifold lab',
    "  --laps     laps to run, ≥ 1, lap 0 being the initial Gaussian prior (default: the preset's)",
    "  --seed     seed of the data, observations and training, ≥ 0 (default: the preset's)",
    '  --backend  tfjs backend in Node: wasm or cpu (default wasm)',
    '  --out      write the JSON there instead of stdout; per-lap progress goes to stderr',
  ].join('\n'),
  async run(args) {
    const values = parseFlags(args, ['preset', 'laps', 'seed', 'out', 'backend'])
    const presetName = values.preset ?? 'tiny'
    if (!(presetName in MANIFOLD_PRESETS)) throw new CliError(`--preset must be one of ${Object.keys(MANIFOLD_PRESETS).join(', ')}, got "${presetName}"`)
    const base = MANIFOLD_PRESETS[presetName as ManifoldPreset]
    const config = { ...base, laps: intFlag('laps', values.laps, base.laps, 1), seed: intFlag('seed', values.seed, base.seed, 0) }
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
