import { describe, expect, it } from 'vitest'
import { lapTimeSummary } from './lapTime'

describe('lapTimeSummary', () => {
  it('says nothing before the first M/E lap', () => {
    expect(lapTimeSummary([], 12)).toBeUndefined()
    expect(lapTimeSummary([{ lap: 0, seconds: 2 }], 12)).toBeUndefined()
  })
  it('averages the finished M/E laps, leaves lap 0 out, and prices the laps left', () => {
    const laps = [{ lap: 0, seconds: 2 }, { lap: 1, seconds: 20 }, { lap: 2, seconds: 30 }]
    // 12 laps = 0…11: 9 left at 25 s = 225 s
    expect(lapTimeSummary(laps, 12)).toBe('laps here: 25.0 s each (laps 1–2); about 3.8 min for the 9 laps left')
  })
  it('uses seconds under 90 s, the singular, and says when none are left', () => {
    expect(lapTimeSummary([{ lap: 0, seconds: 1 }, { lap: 1, seconds: 40 }], 3)).toBe('laps here: 40.0 s each (lap 1); about 40 s for the lap left')
    expect(lapTimeSummary([{ lap: 1, seconds: 10 }, { lap: 2, seconds: 12 }], 3)).toBe('laps here: 11.0 s each (laps 1–2); no laps left')
  })
  it('prices the laps left by their cost when laps differ, and gives the range of lap times', () => {
    // cost 1, 2, 3, 4 for laps 1–4: laps 1–2 took 10 s and 20 s = 30 s for 3 units, so 10 s per unit;
    // laps 3 and 4 left: (3 + 4) × 10 s = 70 s
    const laps = [{ lap: 0, seconds: 1 }, { lap: 1, seconds: 10 }, { lap: 2, seconds: 20 }]
    expect(lapTimeSummary(laps, 5, (k) => k)).toBe("laps here: 10.0–20.0 s (laps 1–2; later laps take longer, the E-step's steps rise); about 70 s for the 2 laps left")
    // a constant cost is the plain mean
    expect(lapTimeSummary(laps, 5, () => 7)).toBe('laps here: 15.0 s each (laps 1–2); about 30 s for the 2 laps left')
  })
})
