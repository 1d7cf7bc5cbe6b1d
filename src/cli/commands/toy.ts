// `npm run cli -- toy --seeds 4 --out toy.json [--preset tiny|browser|paper]`: the analytic toy of
// algorithms.md §6.1 over the whole σ_t grid and all four covariance heuristics (same code as the page).
// Writes {"results": [{"sigma_t", "covariance", "seed", "sinkhorn"}, …], …provenance}.
import { writeFileSync } from 'node:fs'
import { CliError, parseFlags, type Command } from '../command'
import { runToyExperiment, SIGMA_GRID, summarizeToy, TOY_PRESETS, type ToyPresetName } from '../../core/toy/experiment'
import { COVARIANCES } from '../../core/toy/observation'

function int(name: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!/^\d+$/.test(v) || !Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer ≥ ${min}, got "${v}"`)
  return n
}

function sigmaList(v: string | undefined): number[] {
  if (v === undefined) return [...SIGMA_GRID]
  const list = v.split(',').map((s) => Number(s.trim()))
  if (list.length === 0 || list.some((s) => !Number.isFinite(s) || s <= 0)) throw new CliError(`--sigmas must be a comma-separated list of positive numbers, got "${v}"`)
  return list
}

const command: Command = {
  summary: 'the analytic toy (§6): Sinkhorn divergence of q(x_t|y) vs p(x_t|y) over σ_t, per covariance heuristic',
  async run(args) {
    const values = parseFlags(args, ['seeds', 'out', 'preset', 'sigmas', 'prior-samples', 'set-size'], ['quiet'])
    const preset = values.preset ?? 'browser'
    if (!(preset in TOY_PRESETS)) throw new CliError(`--preset must be one of ${Object.keys(TOY_PRESETS).join(', ')}, got "${preset}"`)
    const seeds = int('seeds', values.seeds, 4, 1)
    const base = TOY_PRESETS[preset as ToyPresetName]
    const priorSamples = int('prior-samples', values['prior-samples'], base.priorSamples, 2)
    const setSize = int('set-size', values['set-size'], base.setSize, 1)
    const sigmas = sigmaList(values.sigmas)
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
