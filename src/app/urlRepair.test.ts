import { describe, expect, it } from 'vitest'
import { MAX_QUERY, repairQuery } from './urlRepair'
import { parseStudioParams } from '../core/studio/config'

describe('repairQuery', () => {
  it('leaves a good query alone', () => {
    const q = '?task=box&methods=dps%2Cmmps%3Acg%3A3&sigmaY=0.02'
    expect(repairQuery(q)).toEqual({ search: q, messages: [] })
  })
  it('drops a parameter with a malformed %-escape, names it, keeps the rest', () => {
    const r = repairQuery('?x=%ZZ&steps=8&task=%E0%A4%A')
    expect(r.search).toBe('?steps=8')
    expect(r.messages).toHaveLength(2)
    expect(r.messages[0]).toContain('"x=%ZZ"')
    expect(r.messages[0]).toContain('malformed %-escape')
    expect(r.messages[1]).toContain('task=%E0%A4%A')
    // what is left decodes (tfjs's own parser would have thrown on the original)
    expect(() => r.search.split('&').map((p) => decodeURIComponent(p))).not.toThrow()
  })
  it('reads at most MAX_QUERY characters of 10 kB of junk and says so', () => {
    const junk = Array.from({ length: 10_000 }, (_, i) => 'ab&=c%d'[i % 7]).join('')
    const r = repairQuery(`?steps=8&${junk}`)
    expect(r.search.length).toBeLessThanOrEqual(MAX_QUERY + 1)
    expect(r.search.startsWith('?steps=8')).toBe(true)
    expect(r.messages.some((m) => /only the first 2,048 were read/.test(m))).toBe(true)
    expect(() => decodeURIComponent(r.search)).not.toThrow()
    expect(r.messages.length).toBeLessThanOrEqual(7) // a few named, then a count
    expect(r.messages.some((m) => /more parameters ignored/.test(m))).toBe(true)
  })
  it('drops one over-long parameter', () => {
    const r = repairQuery(`?image=${'a'.repeat(600)}&steps=4`)
    expect(r.search).toBe('?steps=4')
    expect(r.messages[0]).toMatch(/606-character parameter/)
  })
})

describe('parseStudioParams: unknown and near-miss keys', () => {
  const models = ['cifar10-unet', 'mri-unet']
  it('names a near-miss key and the one it resembles, and ignores it', () => {
    const r = parseStudioParams('?sigma_y=0.5&stpes=4', models)
    expect(r.config.sigmaY).toBe(1e-3) // the default, not 0.5
    expect(r.messages).toContain('Ignored "sigma_y=0.5": unknown setting; did you mean sigmaY?')
    expect(r.messages).toContain('Ignored "stpes=4": unknown setting; did you mean steps?')
  })
  it('explains where k goes', () => {
    const r = parseStudioParams('?k=5', models)
    expect(r.messages[0]).toMatch(/^Ignored "k=5": unknown setting; MMPS's solver iterations k go inside methods=/)
  })
  it('lists the settings for an unrelated key, and reports a repeated key', () => {
    const r = parseStudioParams('?zzz=1&steps=4&steps=9&backend=wasm', models)
    expect(r.messages[0]).toMatch(/^Ignored "zzz=1": unknown setting; the studio's settings are model, image/)
    expect(r.messages[1]).toBe('steps= appears more than once; using the first (4), ignoring steps=9.')
    expect(r.config.steps).toBe(4)
    expect(r.messages).toHaveLength(2) // backend is the shell's
  })
})
