// The lap time this run really has, for the page: the mean of its finished M/E laps (lap 0, the Gaussian fit,
// is much shorter and left out) and what that makes the laps still to run.

export interface TimedLap {
  lap: number
  seconds: number
}

/** e.g. "laps here: 24.1 s each (laps 1–3); about 3.6 min for the 8 left"; undefined before lap 1 is done. */
export function lapTimeSummary(laps: readonly TimedLap[], totalLaps: number): string | undefined {
  const timed = laps.filter((l) => l.lap >= 1)
  if (timed.length === 0) return undefined
  const mean = timed.reduce((s, l) => s + l.seconds, 0) / timed.length
  const first = timed[0]!.lap, last = timed.at(-1)!.lap
  const which = first === last ? `lap ${first}` : `laps ${first}–${last}`
  const left = Math.max(0, totalLaps - 1 - Math.max(...laps.map((l) => l.lap)))
  const rest = left === 0 ? 'no laps left' : `about ${left * mean >= 90 ? `${(left * mean / 60).toFixed(1)} min` : `${Math.round(left * mean)} s`} for the ${left === 1 ? 'lap' : `${left} laps`} left`
  return `laps here: ${mean.toFixed(1)} s each (${which}); ${rest}`
}
