import { describe, expect, it } from 'vitest'
import { urlOverrides } from './imageEmConfig'
import { IMAGE_EM_PRESETS } from '../../core/emImages/presets'

describe('image EM URL overrides', () => {
  it('trainSteps sets every lap\'s M-step, lap 1\'s too; without it the preset\'s longer first lap stays', () => {
    const tiny = IMAGE_EM_PRESETS.tiny
    expect(tiny.train.firstLapSteps).toBe(1000)
    const light = urlOverrides('?trainSteps=30').patch(tiny)
    expect(light.train.steps).toBe(30)
    expect(light.train.firstLapSteps).toBeUndefined()
    const other = urlOverrides('?observations=64').patch(tiny)
    expect(other.train).toEqual(tiny.train)
    expect(urlOverrides('').patch(tiny)).toBe(tiny)
  })
})
