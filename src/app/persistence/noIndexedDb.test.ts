// Node has no IndexedDB: exactly the "unavailable" case of a browser with site data blocked. The real stores
// must say so and go on, not throw.
import { describe, expect, it } from 'vitest'
import { keepLastRun, readLastRun } from './studioDb'
import { listRuns } from './runsDb'
import { useModelRegistry } from '../modelRegistry'
import { classifyStorageError } from './storageErrors'
import type { ByoCheckResult } from '../../workers/byoApi'
import { DEFAULT_CONFIG } from '../../core/studio/config'

describe('persistence without IndexedDB', () => {
  it('the run store rejects with an error classified as unavailable', async () => {
    const e = await listRuns().then(() => undefined, (err: unknown) => err)
    expect(classifyStorageError(e)).toMatchObject({ kind: 'unavailable', detail: 'IndexedDB is not available in this browser' })
  })
  it("the studio's save and restore report it instead of throwing", async () => {
    const saved = await keepLastRun({ config: DEFAULT_CONFIG, image: { c: 1, h: 1, w: 1, data: new Float32Array(1) }, results: {}, savedAt: 0 })
    expect(saved).toMatch(/does not let the site store data .*so this run's results could not be kept: they are shown here but will not survive a reload/)
    const read = await readLastRun()
    expect(read.run).toBeUndefined()
    expect(read.problem).toMatch(/the last run could not be kept: it cannot be restored/)
  })
  it('the model registry loads the shipped models, says why yours cannot be kept, and adds a model for this tab', async () => {
    const reg = useModelRegistry.getState()
    await reg.load()
    const st = useModelRegistry.getState()
    expect(st.loaded).toBe(true)
    expect(st.storageProblem).toMatch(/your own models could not be kept: models added earlier cannot be read/)
    const check: ByoCheckResult = { ok: true, errors: [], unsupported: [], shape: [3, 8, 8] }
    const r = await st.addUser('mine.onnx', new Uint8Array([1, 2, 3]), check)
    expect(r.id).toBe('user-mine')
    expect(r.problem).toMatch(/the model “mine.onnx” could not be kept: it is added for this tab only/)
    const m = useModelRegistry.getState().models.find((x) => x.id === 'user-mine')
    expect(m?.user?.stored).toBe(false)
    await useModelRegistry.getState().removeUser('user-mine')
    expect(useModelRegistry.getState().models.some((x) => x.id === 'user-mine')).toBe(false)
  })
})
