// A synchronous Denoiser (src/core/types.ts) over the ORT VJP executor. onnxruntime's run() is asynchronous, and the
// posterior methods call denoise/linearize/vjp synchronously; so the executor lives in a second worker (the server)
// and the denoiser (the client, in the sampling worker) blocks on Atomics.wait while the server runs a session.
// Only x, σ, D(x), v and Jᵀv cross (through a SharedArrayBuffer); the saved activations stay in the server.
// Needs SharedArrayBuffer (a cross-origin isolated page, or Node) and a thread that may block (a worker, or Node).
import * as tf from '@tensorflow/tfjs-core'
import type { Cost, Denoiser, JacobianMode, Linearization } from '../../../core/types'
import { type OrtLinearization, type OrtRuntime, OrtVjpExecutor, type OrtVjpInitOptions, type OrtVjpOptions } from './executor'

/** Where the client posts requests (a Worker, a MessagePort, a worker_threads Worker). */
export interface BridgePort {
  postMessage(msg: BridgeRequest): void
}

interface Shared {
  /** [state (0 pending, 1 done), status (0 ok, 1 error), error byte length, spare] */
  readonly ctrl: SharedArrayBuffer
  readonly text: SharedArrayBuffer
}

export type BridgeRequest =
  | { kind: 'init'; bytes: Uint8Array; opts: OrtVjpOptions; shared: Shared; data: SharedArrayBuffer }
  | { kind: 'forward' | 'linearize'; sigma: number; n: number; handle: number; data?: SharedArrayBuffer }
  | { kind: 'vjp'; handle: number; n: number; data?: SharedArrayBuffer }
  | { kind: 'release'; handle: number }
  /** Release everything (the sessions); no reply. */
  | { kind: 'close' }

const TEXT_BYTES = 4096

export interface OrtVjpServerHooks {
  /** Told when init ends (null, or the error message), for a client that waits for it asynchronously. */
  onInit?(error: string | null): void
  /** Init options for this model's bytes (stage reports, graphs cached by an earlier visit). */
  initOptions?(bytes: Uint8Array, opts: OrtVjpOptions): Promise<OrtVjpInitOptions> | OrtVjpInitOptions
  /** Called after a successful init has been answered (e.g. to cache the emitted graphs); must not throw. */
  afterInit?(bytes: Uint8Array, ex: OrtVjpExecutor): Promise<void> | void
}

/**
 * The server side: call with each message the port receives (in the ORT worker). A function as `hooks` is onInit
 * (see OrtVjpServerHooks).
 */
export function ortVjpServer(rt: OrtRuntime, hooks?: OrtVjpServerHooks | ((error: string | null) => void)): (msg: BridgeRequest) => Promise<void> {
  const h: OrtVjpServerHooks = typeof hooks === 'function' ? { onInit: hooks } : hooks ?? {}
  let ex: OrtVjpExecutor | null = null
  let ctrl: Int32Array | null = null
  let text: Uint8Array | null = null
  let data: Float32Array | null = null
  const lins = new Map<number, OrtLinearization>()
  const reply = (err: unknown): void => {
    if (!ctrl || !text) return
    if (err === null) Atomics.store(ctrl, 1, 0)
    else {
      const b = new TextEncoder().encode(err instanceof Error ? err.message : String(err)).slice(0, TEXT_BYTES)
      text.set(b)
      Atomics.store(ctrl, 2, b.length)
      Atomics.store(ctrl, 1, 1)
    }
    Atomics.store(ctrl, 0, 1)
    Atomics.notify(ctrl, 0)
  }
  return async (msg) => {
    try {
      if (msg.kind === 'init') {
        ctrl = new Int32Array(msg.shared.ctrl)
        text = new Uint8Array(msg.shared.text)
        data = new Float32Array(msg.data)
        try {
          ex = await OrtVjpExecutor.create(rt, msg.bytes, msg.opts, await h.initOptions?.(msg.bytes, msg.opts))
        } catch (err) {
          h.onInit?.(err instanceof Error ? err.message : String(err))
          throw err
        }
        h.onInit?.(null)
        reply(null)
        // after the answer: caching the graphs must not delay the first call
        await h.afterInit?.(msg.bytes, ex)
        return
      }
      if (msg.kind === 'close') {
        lins.clear()
        const e = ex
        ex = null
        await e?.dispose()
        return
      }
      if (msg.kind === 'release') {
        lins.get(msg.handle)?.dispose()
        lins.delete(msg.handle)
        return
      }
      if (msg.data) data = new Float32Array(msg.data)
      if (!ex || !data) throw new Error('the ORT VJP server is not initialised')
      const input = data.slice(0, msg.n)
      if (msg.kind === 'forward') data.set(await ex.forward(input, msg.sigma))
      else if (msg.kind === 'linearize') {
        const lin = await ex.linearize(input, msg.sigma)
        lins.set(msg.handle, lin)
        data.set(lin.denoised)
      } else {
        const lin = lins.get(msg.handle)
        if (!lin) throw new Error(`no linearization ${msg.handle} (disposed?)`)
        data.set(await lin.vjp(input))
      }
      reply(null)
    } catch (err) {
      reply(err)
    }
  }
}

export class OrtBridgeError extends Error {}

/** The client side: a synchronous Denoiser whose every call blocks until the server has run ORT. */
export class OrtBridgeDenoiser implements Denoiser {
  readonly jacobian: JacobianMode = 'autodiff'
  readonly cost: Cost = { forward: 0, vjp: 0 }
  private readonly ctrl: Int32Array
  private readonly text: Uint8Array
  private data: SharedArrayBuffer
  private nextHandle = 1

  constructor(
    private readonly port: BridgePort,
    readonly name: string,
    readonly sampleShape: readonly number[],
    bytes: Uint8Array,
    opts: Omit<OrtVjpOptions, 'sampleShape'>,
    /** 'block': the constructor waits for the server's init; 'async': it only posts init (the caller awaits the
     *  server's onInit answer before the first call). */
    init: 'block' | 'async' = 'block',
    private readonly timeoutMs = 120_000,
  ) {
    const shared: Shared = { ctrl: new SharedArrayBuffer(16), text: new SharedArrayBuffer(TEXT_BYTES) }
    this.ctrl = new Int32Array(shared.ctrl)
    this.text = new Uint8Array(shared.text)
    this.data = new SharedArrayBuffer(4 * 4 * sampleShape.reduce((a, b) => a * b, 1))
    const msg: BridgeRequest = { kind: 'init', bytes, opts: { ...opts, sampleShape }, shared, data: this.data }
    if (init === 'block') this.call(msg)
    else this.port.postMessage(msg)
  }

  private call(msg: BridgeRequest): void {
    Atomics.store(this.ctrl, 0, 0)
    this.port.postMessage(msg)
    const r = Atomics.wait(this.ctrl, 0, 0, this.timeoutMs)
    if (r === 'timed-out') throw new OrtBridgeError(`the ORT VJP server did not answer ${msg.kind} within ${this.timeoutMs / 1000} s`)
    if (Atomics.load(this.ctrl, 1) !== 0) {
      const len = Atomics.load(this.ctrl, 2)
      throw new OrtBridgeError(new TextDecoder().decode(this.text.slice(0, len)))
    }
  }

  /** Put `t` into the shared buffer (growing it if needed); returns a fresh buffer to hand over, or undefined. */
  private put(t: tf.Tensor): { n: number; data?: SharedArrayBuffer } {
    const v = t.dataSync()
    let fresh: SharedArrayBuffer | undefined
    if (v.length * 4 > this.data.byteLength) {
      fresh = new SharedArrayBuffer(v.length * 4)
      this.data = fresh
    }
    new Float32Array(this.data).set(v as ArrayLike<number>)
    return fresh ? { n: v.length, data: fresh } : { n: v.length }
  }

  private get(shape: readonly number[]): tf.Tensor {
    const n = shape.reduce((a, b) => a * b, 1)
    return tf.tensor(new Float32Array(this.data).slice(0, n), [...shape], 'float32')
  }

  private checkX(x: tf.Tensor): void {
    const ok = x.rank === this.sampleShape.length + 1 && this.sampleShape.every((d, i) => x.shape[i + 1] === d)
    if (!ok) throw new OrtBridgeError(`x has shape [${x.shape.join(',')}], expected [B,${this.sampleShape.join(',')}]`)
  }

  /** Ask the server to release its sessions (no reply). */
  close(): void {
    this.port.postMessage({ kind: 'close' })
  }

  resetCost(): void {
    this.cost.forward = 0
    this.cost.vjp = 0
  }

  denoise(x: tf.Tensor, sigma: number): tf.Tensor {
    this.checkX(x)
    this.cost.forward++
    this.call({ kind: 'forward', sigma, handle: 0, ...this.put(x) })
    return this.get(x.shape)
  }

  linearize(x: tf.Tensor, sigma: number): Linearization {
    this.checkX(x)
    this.cost.forward++
    const handle = this.nextHandle++
    this.call({ kind: 'linearize', sigma, handle, ...this.put(x) })
    const shape = [...x.shape]
    const denoised = this.get(shape)
    let done = false
    return {
      denoised,
      vjp: (v: tf.Tensor): tf.Tensor => {
        if (done) throw new OrtBridgeError('vjp called after dispose()')
        if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) throw new OrtBridgeError(`vjp: v has shape [${v.shape.join(',')}], expected [${shape.join(',')}]`)
        this.cost.vjp++
        this.call({ kind: 'vjp', handle, ...this.put(v) })
        return this.get(shape)
      },
      dispose: () => {
        if (done) return
        done = true
        denoised.dispose()
        this.port.postMessage({ kind: 'release', handle })
      },
    }
  }
}
