// Backends switch safely (issue 11 item 2): tfjs has ONE global backend per worker, so a job holds a lease on
// it from start to end. A lease that wants another backend switches only when nobody holds the current one;
// otherwise it waits (strict: Diagnostics, measurement) or runs on the current backend and says so.
// An exclusive lease (Diagnostics, measurement, recovery from a lost GPU) waits until every job has ended.
// Leases are granted first come, first served, so a waiting switch is not starved by later jobs.
import type { TfjsBackend } from '../engines/tfjs/backends'

export interface BackendSwitcher {
  current(): TfjsBackend | undefined
  switchTo(backend: TfjsBackend): Promise<void>
}

export interface LeaseRequest {
  /** Shown to whoever waits behind this lease, e.g. "Models sample". */
  label: string
  /** The backend this job wants; none = whatever is current. */
  want?: TfjsBackend
  /** Wait for the wanted backend rather than run on another one. */
  strict?: boolean
  /** Nobody else may hold a lease meanwhile (the holder may switch backends itself). */
  exclusive?: boolean
  /** Aborting it withdraws a waiting request. */
  signal?: AbortSignal
  /** Called with a plain sentence while the request waits, and again whenever the reason changes. */
  onWait?: (why: string) => void
  /** Aborted (with the reason given to abortHolders) when the holder's backend is lost. */
  controller?: AbortController
}

export interface Lease {
  readonly backend: TfjsBackend | undefined
  /** Set when the lease runs on another backend than the one it wanted, and why. */
  readonly note?: string
  release(): void
}

interface Holder {
  label: string
  backend: TfjsBackend | undefined
  exclusive: boolean
  controller?: AbortController
}

interface Waiter {
  req: LeaseRequest
  resolve: (l: Lease) => void
  reject: (e: unknown) => void
  told?: string
}

export class BackendGate {
  private readonly holders = new Set<Holder>()
  private readonly queue: Waiter[] = []
  private switching = false

  constructor(private readonly sw: BackendSwitcher) {}

  acquire(req: LeaseRequest): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      if (req.signal?.aborted) {
        reject(req.signal.reason)
        return
      }
      const w: Waiter = { req, resolve, reject }
      this.queue.push(w)
      req.signal?.addEventListener('abort', () => {
        const i = this.queue.indexOf(w)
        if (i < 0) return
        this.queue.splice(i, 1)
        reject(req.signal?.reason)
        this.pump()
      }, { once: true })
      this.pump()
    })
  }

  /** Runs `body` under a lease and always releases it. */
  async with<T>(req: LeaseRequest, body: (lease: Lease) => Promise<T>): Promise<T> {
    const lease = await this.acquire(req)
    try {
      return await body(lease)
    } finally {
      lease.release()
    }
  }

  /** Labels of the leases held now (for messages and tests). */
  held(): { label: string; backend: TfjsBackend | undefined; exclusive: boolean }[] {
    return [...this.holders].map((h) => ({ label: h.label, backend: h.backend, exclusive: h.exclusive }))
  }

  get waiting(): number {
    return this.queue.length
  }

  /** Aborts every job holding a lease on `backend` (its device was lost); returns how many. */
  abortHolders(backend: TfjsBackend, reason: Error): number {
    let n = 0
    for (const h of this.holders) {
      if (h.backend === backend && h.controller && !h.controller.signal.aborted) {
        h.controller.abort(reason)
        n++
      }
    }
    return n
  }

  private verdict(r: LeaseRequest): 'now' | 'switch' | 'other' | 'wait' {
    if (this.switching) return 'wait'
    if (r.exclusive) return this.holders.size === 0 ? 'now' : 'wait'
    if ([...this.holders].some((h) => h.exclusive)) return 'wait'
    const cur = this.sw.current()
    if (!r.want || r.want === cur) return 'now'
    if (this.holders.size === 0) return 'switch'
    return r.strict ? 'wait' : 'other'
  }

  private waitReason(r: LeaseRequest): string {
    if (this.switching) return 'waiting while the compute backend switches'
    const others = [...this.holders]
    const names = others.map((h) => `${h.label}${h.backend ? ` (on ${h.backend})` : ''}`).join(', ')
    const what = r.exclusive ? 'needs the compute worker to itself' : `needs ${r.want ?? 'the backend'}`
    return names ? `waiting: ${r.label} ${what}; ${others.length === 1 ? 'it waits for' : 'they wait for'} ${names} to finish (or cancel ${others.length === 1 ? 'it' : 'them'})` : `waiting for the jobs ahead of ${r.label}`
  }

  private grant(r: LeaseRequest, note?: string): Lease {
    const h: Holder = { label: r.label, backend: r.exclusive ? undefined : this.sw.current(), exclusive: r.exclusive ?? false, controller: r.controller }
    this.holders.add(h)
    let released = false
    return {
      backend: h.backend,
      note,
      release: () => {
        if (released) return
        released = true
        this.holders.delete(h)
        this.pump()
      },
    }
  }

  private pump(): void {
    while (this.queue.length) {
      const w = this.queue[0]!
      const v = this.verdict(w.req)
      if (v === 'wait') break
      this.queue.shift()
      if (v === 'switch') {
        const want = w.req.want!
        this.switching = true
        this.sw.switchTo(want).then(
          () => {
            this.switching = false
            w.resolve(this.grant(w.req))
            this.pump()
          },
          (e: unknown) => {
            this.switching = false
            w.reject(e)
            this.pump()
          },
        )
        break
      }
      const cur = this.sw.current()
      w.resolve(this.grant(w.req, v === 'other' ? `runs on ${cur ?? 'the current backend'}, not the measured ${w.req.want}: ${this.held().map((h) => h.label).join(', ')} is using ${cur} until it ends` : undefined))
    }
    for (const w of this.queue) {
      const why = this.waitReason(w.req)
      if (why !== w.told) {
        w.told = why
        w.req.onWait?.(why)
      }
    }
  }
}
