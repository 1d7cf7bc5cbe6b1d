// `npm run cli -- toy --seeds 4 --out toy.json [--preset tiny|browser|paper]`: the analytic toy of
// algorithms.md §6.1 over the whole σ_t grid and all four covariance heuristics (same code as the page).
// Writes {"results": [{"sigma_t", "covariance", "seed", "sinkhorn"}, …], …provenance}.
import { writeFileSync } from 'node:fs'
import { CliError, intFlag, parseFlags, positiveListFlag, type Command } from '../command'
import { runToyExperiment, SIGMA_GRID, summarizeToy, TOY_PRESETS, type ToyPresetName } from '../../core/toy/experiment'
import { COVARIANCES } from '../../core/toy/observation'

const command: Command = {
  summary: 'the analytic toy (§6): Sinkhorn divergence of q(x_t|y) vs p(x_t|y) over σ_t, per covariance heuristic',
  usage: [
    'usage: toy [--preset tiny|browser|paper] [--seeds N] [--sigmas 0.01,0.1,1] [--prior-samples N] [--set-size N] [--quiet] [--out toy.json]',
    '  --preset         sizes (default browser); the same presets as the analytic toy page',
    '  --seeds          independent repetitions, ≥ 1 (default 4)',
    `  --sigmas         σ_t grid, comma-separated positive numbers (default ${SIGMA_GRID.join(',')})`,
    "  --prior-samples  samples of the mixture prior, ≥ 2 (default: the preset's)",
    "  --set-size       points per Sinkhorn set, ≥ 1 (default: the preset's)",
    '  --quiet          no progress lines on stderr',
    '  --out            write the JSON there instead of stdout',
  ].join('\n'),
  async run(args) {
    const values = parseFlags(args, ['seeds', 'out', 'preset', 'sigmas', 'prior-samples', 'set-size'], ['quiet'])
    const preset = values.preset ?? 'browser'
    if (!(preset in TOY_PRESETS)) throw new CliError(`--preset must be one of ${Object.keys(TOY_PRESETS).join(', ')}, got "${preset}"`)
    const seeds = intFlag('seeds', values.seeds, 4, 1)
    const base = TOY_PRESETS[preset as ToyPresetName]
    const priorSamples = intFlag('prior-samples', values['prior-samples'], base.priorSamples, 2)
    const setSize = intFlag('set-size', values['set-size'], base.setSize, 1)
    const sigmas = positiveListFlag('sigmas', values.sigmas, SIGMA_GRID)
    let lastLine = ''
    const result = await runToyExperiment(
      { preset: preset as ToyPresetName, seeds, sigmas, priorSamples, setSize },
      {
        onProgress: (f, msg) => {
          const line = `[${(f * 100).toFixed(0).padStart(3)} %] ${msg}`
          if (!values.quiet && line !== lastLine) process.stderr.write(`${line}\n`)
          lastLine = line
        },
      },
    )
    const json = JSON.stringify(
      {
        results: result.results,
        preset: result.preset,
        prior_samples: result.priorSamples,
        set_size: result.setSize,
        seeds: result.seeds,
        sigmas,
        covariances: COVARIANCES,
        seconds: result.seconds,
      },
      null,
      1,
    )
    if (values.out) writeFileSync(values.out, json + '\n')
    else process.stdout.write(json + '\n')
    if (!values.quiet) {
      const summary = summarizeToy(result.results)
      process.stderr.write(`median Sinkhorn over ${seeds} seed(s), ${result.seconds.toFixed(1)} s:\n`)
      process.stderr.write(`σ_t      ${sigmas.map((s) => String(s).padStart(8)).join(' ')}\n`)
      for (const k of COVARIANCES) process.stderr.write(`${k.padEnd(8)} ${summary[k].map((p) => p.median.toExponential(1).padStart(8)).join(' ')}\n`)
    }
  },
}

export default command
