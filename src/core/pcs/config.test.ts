import { describe, expect, it } from 'vitest'
import { clampRect, parsePcsParams, pcsParams, PCS_DEFAULTS } from './config'

describe('Posterior-PCs URL settings', () => {
  it('round-trips a configuration', () => {
    const c = { ...PCS_DEFAULTS, sigma: 0.2, k: 5, iters: 20, jacobian: 'fd' as const, rect: { x0: 2, y0: 3, x1: 10, y1: 12 }, pc: 2 }
    const back = parsePcsParams(`?${pcsParams(c).toString()}`, ['cifar10-unet'])
    expect(back.messages).toEqual([])
    expect(back.config).toEqual(c)
  })
  it('clamps and replaces bad values with messages', () => {
    const r = parsePcsParams('?k=12&sigma=-1&iters=abc&jac=vjp&rect=5,5,2,2&model=nope&pc=3', ['cifar10-unet'])
    expect(r.config.k).toBe(8)
    expect(r.config.sigma).toBe(0.01)
    expect(r.config.iters).toBe(PCS_DEFAULTS.iters)
    expect(r.config.jacobian).toBe('exact')
    expect(r.config.rect).toBeNull()
    expect(r.config.model).toBe('cifar10-unet')
    expect(r.config.pc).toBe(2)
    expect(r.messages.join(' ')).toMatch(/k=12 is out of range/)
    expect(r.messages.join(' ')).toMatch(/rect=5,5,2,2/)
    expect(r.messages.join(' ')).toMatch(/Unknown model "nope"/)
    expect(parsePcsParams('?k=2&pc=4', []).config.pc).toBe(0)
  })
  it('clampRect keeps patches inside the image; the whole image is null', () => {
    expect(clampRect({ x0: -3, y0: 0, x1: 40, y1: 32 }, 32, 32)).toBeNull()
    expect(clampRect({ x0: 30, y0: 31, x1: 30, y1: 31 }, 32, 32)).toEqual({ x0: 30, y0: 31, x1: 31, y1: 32 })
  })
})
