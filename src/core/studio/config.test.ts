import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, applyPreset, parseStudioParams, problemSeed, sameProblem, studioParams } from './config'

const models = ['cifar10-unet', 'mri-unet']

describe('studio URL state', () => {
  it('round-trips a configuration exactly', () => {
    const c = { ...applyPreset(DEFAULT_CONFIG, 'random'), seed: 7, steps: 10, methods: [{ name: 'mmps' as const, solver: 'gmres' as const, iters: 3 }, { name: 'dps' as const, solver: 'cg' as const, iters: 0 }] }
    const back = parseStudioParams(`?${studioParams(c).toString()}`, models)
    expect(back.messages).toEqual([])
    expect(back.config).toEqual(c)
  })
  it('clamps out-of-range numbers with a message', () => {
    const r = parseStudioParams('?steps=100000&samples=0&sigmaY=-1', models)
    expect(r.config.steps).toBe(1000)
    expect(r.config.samples).toBe(1)
    expect(r.config.sigmaY).toBe(1e-4)
    expect(r.messages).toHaveLength(3)
    expect(r.messages.join('\n')).toMatch(/steps=100000 is out of range/)
  })
  it('rejects malformed values with messages and never throws', () => {
    const r = parseStudioParams('?steps=abc&task=teleport&methods=foo,mmps:bicg:2&model=gpt&image=https://evil.example/x.png', models)
    expect(r.config.steps).toBe(DEFAULT_CONFIG.steps)
    expect(r.config.corruption.kind).toBe(DEFAULT_CONFIG.corruption.kind)
    expect(r.config.methods).toEqual([{ name: 'mmps', solver: 'cg', iters: 2 }])
    expect(r.config.model).toBe('cifar10-unet')
    expect(r.config.image).toBe(DEFAULT_CONFIG.image)
    for (const bit of ['steps=abc is not a number', 'teleport', '"foo"', 'bicg', '"gpt"', 'evil.example']) {
      expect(r.messages.join('\n')).toContain(bit)
    }
  })
  it('round-trips a box position and an operator seed; clamps a bad operator seed', () => {
    const c = { ...DEFAULT_CONFIG, corruption: { ...DEFAULT_CONFIG.corruption, kind: 'box' as const, box: 8, top: 3, left: 20, opSeed: 12 } }
    const back = parseStudioParams(`?${studioParams(c).toString()}`, models)
    expect(back.messages).toEqual([])
    expect(back.config).toEqual(c)
    const bad = parseStudioParams('?opseed=-5', models)
    expect(bad.config.corruption.opSeed).toBe(-1)
    expect(bad.messages.join()).toMatch(/opseed=-5 is out of range/)
  })
})

describe('studio problem identity', () => {
  const fixed = { ...DEFAULT_CONFIG, corruption: { ...DEFAULT_CONFIG.corruption, opSeed: 4 } }
  it('an operator seed keeps the observation while the run seed changes', () => {
    expect(problemSeed({ ...fixed, seed: 9 })).toBe(4)
    expect(problemSeed({ ...DEFAULT_CONFIG, seed: 9 })).toBe(9)
    expect(sameProblem(fixed, { ...fixed, seed: 9 })).toBe(true)
    expect(sameProblem(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, seed: 9 })).toBe(false)
    expect(sameProblem(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, corruption: { ...DEFAULT_CONFIG.corruption, opSeed: DEFAULT_CONFIG.seed } })).toBe(true)
  })
  it('methods and sampling settings do not change the problem; σ_y, image and corruption do', () => {
    expect(sameProblem(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, steps: 7, samples: 5, methods: [] })).toBe(true)
    expect(sameProblem(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, sigmaY: 0.5 })).toBe(false)
    expect(sameProblem(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, image: 'sample' })).toBe(false)
    expect(sameProblem(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, corruption: { ...DEFAULT_CONFIG.corruption, top: 2 } })).toBe(false)
  })
})
