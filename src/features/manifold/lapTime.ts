// The lap time this run really has, for the page: the mean of its finished M/E laps (lap 0, the Gaussian fit,
// is much shorter and left out) and what that makes the laps still to run.

export interface TimedLap {
  lap: number
  seconds: number
}

/**
 * e.g. "laps here: 24.1 s each (laps 1–3); about 3.6 min for the 8 left"; undefined before lap 1 is done.
 * `cost(lap)`: the relative work of a lap, when laps differ (an E-step whose steps rise over the laps); the laps
 * left are then priced at this run's seconds per unit of cost, and the text gives the range of lap times.
 */
export function lapTimeSummary(laps: readonly TimedLap[], totalLaps: number, cost: (lap: number) => number = () => 1): string | undefined {
  const timed = laps.filter((l) => l.lap >= 1)
  if (timed.length === 0) return undefined
  const total = timed.reduce((s, l) => s + l.seconds, 0)
  const mean = total / timed.length
  const perCost = total / timed.reduce((s, l) => s + cost(l.lap), 0)
  const first = timed[0]!.lap, last = timed.at(-1)!.lap
  const which = first === last ? `lap ${first}` : `laps ${first}–${last}`
  const done = Math.max(...laps.map((l) => l.lap))
  const left = Math.max(0, totalLaps - 1 - done)
  let leftSeconds = 0
  for (let k = done + 1; k < totalLaps; k++) leftSeconds += perCost * cost(k)
  const rest = left === 0 ? 'no laps left' : `about ${leftSeconds >= 90 ? `${(leftSeconds / 60).toFixed(1)} min` : `${Math.round(leftSeconds)} s`} for the ${left === 1 ? 'lap' : `${left} laps`} left`
  const varies = new Set(Array.from({ length: totalLaps - 1 }, (_, i) => cost(i + 1))).size > 1
  if (!varies) return `laps here: ${mean.toFixed(1)} s each (${which}); ${rest}`
  const secs = timed.map((l) => l.seconds)
  const range = secs.length === 1 ? `${secs[0]!.toFixed(1)} s` : `${Math.min(...secs).toFixed(1)}–${Math.max(...secs).toFixed(1)} s`
  return `laps here: ${range} (${which}; later laps take longer, the E-step's steps rise); ${rest}`
}
