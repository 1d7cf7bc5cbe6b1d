import { describe, expect, it } from 'vitest'
import { attemptStorage, classifyStorageError, storageNotice, StorageUnavailableError, withStorageTimeout } from './storageErrors'

describe('classifyStorageError', () => {
  it('a QuotaExceededError DOMException (Chromium IndexedDB and localStorage) is quota', () => {
    const f = classifyStorageError(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
    expect(f).toEqual({ kind: 'quota', name: 'QuotaExceededError', detail: 'The quota has been exceeded.' })
  })
  it("Firefox's NS_ERROR_DOM_QUOTA_REACHED and the legacy code 22 are quota", () => {
    expect(classifyStorageError({ name: 'NS_ERROR_DOM_QUOTA_REACHED', message: 'Persistent storage maximum size reached' }).kind).toBe('quota')
    expect(classifyStorageError({ name: 'Error', message: 'x', code: 22 }).kind).toBe('quota')
  })
  it('an AbortError whose message names the quota is quota; a plain AbortError is other', () => {
    expect(classifyStorageError(new DOMException('Transaction aborted: quota exceeded', 'AbortError')).kind).toBe('quota')
    expect(classifyStorageError(new DOMException('The transaction was aborted.', 'AbortError')).kind).toBe('other')
  })
  it('blocked or missing storage is unavailable', () => {
    expect(classifyStorageError(new DOMException('The operation is insecure.', 'SecurityError')).kind).toBe('unavailable')
    expect(classifyStorageError(new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')).kind).toBe('unavailable')
    expect(classifyStorageError(new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError')).kind).toBe('unavailable')
    expect(classifyStorageError(new StorageUnavailableError('IndexedDB is not available in this browser')).kind).toBe('unavailable')
  })
  it('a SecurityError that mentions the quota is still unavailable (a blocked store is not a full one)', () => {
    expect(classifyStorageError(new DOMException('Access to storage quota is denied', 'SecurityError')).kind).toBe('unavailable')
  })
  it('anything else is other, with its name and message kept', () => {
    expect(classifyStorageError(new DOMException('Failed to execute put: could not be cloned.', 'DataCloneError'))).toEqual({
      kind: 'other', name: 'DataCloneError', detail: 'Failed to execute put: could not be cloned.',
    })
    expect(classifyStorageError(new TypeError('x is undefined'))).toEqual({ kind: 'other', name: 'TypeError', detail: 'x is undefined' })
    expect(classifyStorageError('a string')).toEqual({ kind: 'other', name: 'Error', detail: 'a string' })
    expect(classifyStorageError(undefined).kind).toBe('other')
  })
})

describe('storageNotice', () => {
  const ctx = { what: 'lap 3 of the run', consequence: 'the run continues but will not survive a reload', rescue: 'export the run' }
  it('says what, why, what now and what to do, for each kind', () => {
    const q = storageNotice({ kind: 'quota', name: 'QuotaExceededError', detail: 'q' }, ctx)
    expect(q).toMatch(/storage for the site is full/)
    expect(q).toMatch(/lap 3 of the run could not be kept: the run continues but will not survive a reload/)
    expect(q).toMatch(/Free space .*, or export the run\.$/)
    const u = storageNotice({ kind: 'unavailable', name: 'SecurityError', detail: 'The operation is insecure.' }, ctx)
    expect(u).toMatch(/does not let the site store data \(SecurityError: The operation is insecure\./)
    expect(u).toMatch(/or export the run\.$/)
    const o = storageNotice({ kind: 'other', name: 'DataCloneError', detail: 'nope' }, { what: 'the result', consequence: 'it is shown but not kept' })
    expect(o).toBe('Saving the result failed (DataCloneError: nope): it is shown but not kept.')
  })
})

describe('attemptStorage and withStorageTimeout', () => {
  it('returns the value, or the classified failure without throwing', async () => {
    expect(await attemptStorage(async () => 5)).toEqual({ ok: true, value: 5 })
    const r = await attemptStorage(async () => { throw new DOMException('full', 'QuotaExceededError') })
    expect(r).toEqual({ ok: false, failure: { kind: 'quota', name: 'QuotaExceededError', detail: 'full' } })
  })
  it('an open that never answers becomes unavailable after the limit', async () => {
    const never = new Promise<number>(() => undefined)
    const r = await attemptStorage(() => withStorageTimeout(never, 20, 'the test database'))
    expect(r).toEqual({ ok: false, failure: { kind: 'unavailable', name: 'StorageUnavailableError', detail: 'the test database did not open within 0 s' } })
    expect(await withStorageTimeout(Promise.resolve(1), 20, 'x')).toBe(1)
  })
})
