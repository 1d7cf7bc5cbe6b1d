import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEMO_IMAGES, SHIPPED_MODELS, demoKindOf } from './models'

describe('shipped models and their demo images', () => {
  it('demoKindOf: colour → photos, grey 28×28 → digits, other grey → MRI', () => {
    expect(demoKindOf([3, 32, 32])).toBe('cifar')
    expect(demoKindOf([1, 64, 64])).toBe('mri')
    expect(demoKindOf([1, 28, 28])).toBe('digits')
    expect(demoKindOf([1, 28, 32])).toBe('mri')
  })

  it('mnist-unet is in the catalog with the digit demos; the others keep theirs', () => {
    const kinds = Object.fromEntries(SHIPPED_MODELS.map((m) => [m.id, m.demoKind]))
    expect(kinds).toMatchObject({ 'cifar10-unet': 'cifar', 'mri-unet': 'mri', 'mnist-unet': 'digits' })
  })

  it('every demo image is a file under public/', () => {
    for (const urls of Object.values(DEMO_IMAGES)) {
      expect(urls.length).toBeGreaterThan(0)
      for (const u of urls) expect(existsSync(join(__dirname, '../../public', u)), u).toBe(true)
    }
  })
})
