import { describe, expect, it } from 'vitest'
import { BackendGate } from './backendGate'
import type { TfjsBackend } from '../engines/tfjs/backends'

function fakeTf(start: TfjsBackend) {
  const log: string[] = []
  let cur: TfjsBackend | undefined = start
  let resolveSwitch: (() => void) | undefined
  return {
    log,
    sw: {
      current: () => cur,
      switchTo: (b: TfjsBackend) => new Promise<void>((resolve) => {
        log.push(`switch ${b}`)
        resolveSwitch = () => { cur = b; resolve() }
      }),
    },
    finishSwitch: () => resolveSwitch?.(),
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('BackendGate', () => {
  it('a job on the current backend starts at once; one wanting another backend switches when nobody holds it', async () => {
    const f = fakeTf('webgpu')
    const gate = new BackendGate(f.sw)
    const a = await gate.acquire({ label: 'A' })
    expect(a.backend).toBe('webgpu')
    a.release()
    const p = gate.acquire({ label: 'B', want: 'wasm' })
    await tick()
    expect(f.log).toEqual(['switch wasm'])
    f.finishSwitch()
    const b = await p
    expect(b.backend).toBe('wasm')
    expect(b.note).toBeUndefined()
  })

  it('never switches under a running job: a non-strict job runs on the current backend with a note', async () => {
    const f = fakeTf('webgpu')
    const gate = new BackendGate(f.sw)
    const running = await gate.acquire({ label: 'Models sample' })
    const other = await gate.acquire({ label: 'studio run', want: 'wasm' })
    expect(other.backend).toBe('webgpu')
    expect(other.note).toMatch(/Models sample is using webgpu/)
    expect(f.log).toEqual([])
    running.release(); other.release()
  })

  it('an exclusive lease waits for every job, says why, and later jobs queue behind it', async () => {
    const f = fakeTf('webgpu')
    const gate = new BackendGate(f.sw)
    const sample = await gate.acquire({ label: 'Models sample' })
    const told: string[] = []
    let diagStarted = false
    const diag = gate.acquire({ label: 'Diagnostics', exclusive: true, onWait: (w) => told.push(w) }).then((l) => { diagStarted = true; return l })
    let laterStarted = false
    const later = gate.acquire({ label: 'preview' }).then((l) => { laterStarted = true; return l })
    await tick()
    expect(diagStarted).toBe(false)
    expect(laterStarted).toBe(false)
    expect(told[0]).toMatch(/Diagnostics needs the compute worker to itself; it waits for Models sample \(on webgpu\) to finish/)
    sample.release()
    const d = await diag
    await tick()
    expect(laterStarted).toBe(false)
    d.release()
    ;(await later).release()
    expect(laterStarted).toBe(true)
  })

  it('a waiting request can be withdrawn, and the queue moves on', async () => {
    const f = fakeTf('wasm')
    const gate = new BackendGate(f.sw)
    const job = await gate.acquire({ label: 'manifold run' })
    const ac = new AbortController()
    const diag = gate.acquire({ label: 'Diagnostics', exclusive: true, signal: ac.signal })
    ac.abort(new Error('cancelled'))
    await expect(diag).rejects.toThrow('cancelled')
    expect(gate.waiting).toBe(0)
    job.release()
    const next = await gate.acquire({ label: 'x', exclusive: true })
    next.release()
  })

  it('a strict request waits for the backend it needs', async () => {
    const f = fakeTf('webgpu')
    const gate = new BackendGate(f.sw)
    const job = await gate.acquire({ label: 'A' })
    let got = false
    const p = gate.acquire({ label: 'B', want: 'wasm', strict: true }).then((l) => { got = true; return l })
    await tick()
    expect(got).toBe(false)
    job.release()
    await tick()
    f.finishSwitch()
    const b = await p
    expect(b.backend).toBe('wasm')
    b.release()
  })

  it('abortHolders aborts only the jobs on the lost backend, with the reason', async () => {
    const f = fakeTf('webgpu')
    const gate = new BackendGate(f.sw)
    const c1 = new AbortController()
    const l1 = await gate.acquire({ label: 'studio run', controller: c1 })
    const lost = new Error('The GPU was lost')
    expect(gate.abortHolders('wasm', lost)).toBe(0)
    expect(gate.abortHolders('webgpu', lost)).toBe(1)
    expect(c1.signal.reason).toBe(lost)
    l1.release()
    l1.release() // idempotent
    expect(gate.held()).toEqual([])
  })

  it('a failed switch rejects that request only', async () => {
    const gate = new BackendGate({ current: () => 'webgpu', switchTo: () => Promise.reject(new Error('no wasm')) })
    await expect(gate.acquire({ label: 'A', want: 'wasm' })).rejects.toThrow('no wasm')
    const b = await gate.acquire({ label: 'B' })
    expect(b.backend).toBe('webgpu')
  })
})
