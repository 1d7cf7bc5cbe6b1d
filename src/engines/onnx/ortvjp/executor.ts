// The differentiable executor on onnxruntime: D(x) and exact Jᵀv of an ONNX denoiser, both run natively by ORT
// (transform.ts emits the forward-with-saved-activations and the backward graphs). Works with onnxruntime-node and
// onnxruntime-web alike: the caller hands in an OrtRuntime (how to make a session and a float tensor).
import { buildVjpModels, type Probe, type ProbedValue, probeModel, type VjpModels } from './transform'

export interface OrtTensorLike {
  readonly dims: readonly number[]
  readonly type: string
  readonly data: unknown
}

export interface OrtSessionLike {
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>
  /** Only the outputs named in `fetches`. */
  run(feeds: Record<string, OrtTensorLike>, fetches: readonly string[]): Promise<Record<string, OrtTensorLike>>
  release(): Promise<void>
}

/** How to make sessions and tensors with a given onnxruntime package (node or web). */
export interface OrtRuntime {
  /** `hint.graphOptimizationLevel` is set for the probe session (the caller may ignore it). */
  createSession(bytes: Uint8Array, hint?: { graphOptimizationLevel: 'disabled' }): Promise<OrtSessionLike>
  tensor(data: Float32Array, dims: readonly number[]): OrtTensorLike
}

export interface OrtVjpOptions {
  /** Graph input names (from checkModel's DenoiserIO). */
  readonly x: string
  readonly sigma: string
  /** [C, H, W] of one sample. */
  readonly sampleShape: readonly number[]
}

export interface OrtLinearization {
  readonly denoised: Float32Array
  /** Jᵀv, v of D's output shape (flattened [B, ...sampleShape]). */
  vjp(v: Float32Array): Promise<Float32Array>
  dispose(): void
}

function toNumbers(t: OrtTensorLike): ArrayLike<number> {
  const d = t.data
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Array.from(d, (v) => Number(v))
  if (ArrayBuffer.isView(d)) return d as unknown as ArrayLike<number>
  throw new Error(`onnxruntime returned ${t.type} data the executor cannot read`)
}

function asFloat32(t: OrtTensorLike | undefined, what: string): Float32Array {
  if (!t) throw new Error(`onnxruntime produced no ${what}`)
  if (!(t.data instanceof Float32Array)) throw new Error(`${what} is ${t.type}, expected float32`)
  return t.data
}

export type FloatFeeds = Readonly<Record<string, { readonly data: Float32Array; readonly dims: readonly number[] }>>

function ortFeedsOf(rt: OrtRuntime, feeds: FloatFeeds): Record<string, OrtTensorLike> {
  const out: Record<string, OrtTensorLike> = {}
  for (const [k, f] of Object.entries(feeds)) out[k] = rt.tensor(f.data, f.dims)
  return out
}

/** Init stages, in order; `onStage(stage)` is called as each begins and `onStage(stage, ms)` when it ends. */
export type OrtVjpInitStage = 'probe session' | 'probe runs' | 'transform' | 'forward session' | 'backward session'

export interface OrtVjpInitOptions {
  onStage?(stage: OrtVjpInitStage, ms?: number): void
  /** The graphs an earlier init emitted for the same model bytes (a cache): probe and transform are skipped. */
  models?: VjpModels
}

async function staged<T>(o: OrtVjpInitOptions | undefined, stage: OrtVjpInitStage, f: () => Promise<T> | T): Promise<T> {
  o?.onStage?.(stage)
  const t0 = performance.now()
  const r = await f()
  o?.onStage?.(stage, performance.now() - t0)
  return r
}

/** Run the original graph with every value exposed, once per set of feeds (one session, graph optimisation off). */
async function probeWith(rt: OrtRuntime, bytes: Uint8Array, feedSets: readonly FloatFeeds[], o?: OrtVjpInitOptions): Promise<Probe[]> {
  const s = await staged(o, 'probe session', () => rt.createSession(bytes, { graphOptimizationLevel: 'disabled' }))
  try {
    return await staged(o, 'probe runs', () => probeRuns(rt, s, feedSets))
  } finally {
    await s.release()
  }
}

async function probeRuns(rt: OrtRuntime, s: OrtSessionLike, feedSets: readonly FloatFeeds[]): Promise<Probe[]> {
  const probes: Probe[] = []
  for (const feeds of feedSets) {
    const out = await s.run(ortFeedsOf(rt, feeds))
    const probe = new Map<string, ProbedValue>()
    for (const [k, t] of Object.entries(out)) probe.set(k, { type: t.type, dims: t.dims, values: toNumbers(t) })
    for (const [k, f] of Object.entries(feeds)) probe.set(k, { type: 'float32', dims: f.dims, values: f.data })
    probes.push(probe)
  }
  return probes
}

/** Any ONNX graph with float inputs: forward and Jᵀv of its first output w.r.t. one input (`wrt`). */
export class OrtVjpGraph {
  private constructor(
    private readonly rt: OrtRuntime,
    readonly models: VjpModels,
    private readonly fwd: OrtSessionLike,
    private readonly bwd: OrtSessionLike,
  ) {}

  /**
   * Probe (the graph run twice with every value exposed; give two feeds that differ in batch size where the model
   * has a dynamic batch), transform, open the sessions. Throws OrtVjpUnsupportedError for an op without a rule.
   */
  static async create(rt: OrtRuntime, bytes: Uint8Array, wrt: string, probeFeeds: readonly [FloatFeeds, FloatFeeds], o?: OrtVjpInitOptions): Promise<OrtVjpGraph> {
    let models = o?.models
    if (!models) {
      const [pa, pb] = await probeWith(rt, probeModel(bytes), probeFeeds, o)
      models = await staged(o, 'transform', () => buildVjpModels(bytes, wrt, [pa as Probe, pb as Probe]))
    }
    const m = models
    // no session for the original graph: forward() runs the forward graph and fetches only D's output (one
    // session fewer to create — seconds in the browser — and the same values)
    const fwd = await staged(o, 'forward session', () => rt.createSession(m.forward))
    const bwd = await staged(o, 'backward session', () => rt.createSession(m.backward))
    return new OrtVjpGraph(rt, m, fwd, bwd)
  }

  private ortFeeds(feeds: FloatFeeds): Record<string, OrtTensorLike> {
    return ortFeedsOf(this.rt, feeds)
  }

  /** The first output (the forward graph asked for D's output only: no saved activations are returned). */
  async forward(feeds: FloatFeeds): Promise<Float32Array> {
    const out = await this.fwd.run(this.ortFeeds(feeds), [this.models.output])
    return asFloat32(out[this.models.output], this.models.output)
  }

  /** One forward pass that keeps the activations; each vjp(v) is one backward pass. */
  async linearize(feeds: FloatFeeds): Promise<OrtLinearization> {
    const out = await this.fwd.run(this.ortFeeds(feeds))
    const y = out[this.models.output]
    const denoised = asFloat32(y, this.models.output)
    const dims = [...(y?.dims ?? [])]
    let saved: Record<string, OrtTensorLike> | null = {}
    for (const s of this.models.saved) {
      const t = out[s]
      if (!t) throw new Error(`the forward graph produced no ${s}`)
      saved[s] = t
    }
    const { cotangent, gradient } = this.models
    const bwd = this.bwd
    const rt = this.rt
    return {
      denoised,
      vjp: async (v: Float32Array): Promise<Float32Array> => {
        if (!saved) throw new Error('vjp called after dispose()')
        if (v.length !== denoised.length) throw new Error(`vjp: v has ${v.length} values, expected ${denoised.length}`)
        const r = await bwd.run({ ...saved, [cotangent]: rt.tensor(v, dims) })
        return asFloat32(r[gradient], 'the gradient')
      },
      dispose: () => {
        saved = null
      },
    }
  }

  async dispose(): Promise<void> {
    await Promise.all([this.fwd.release(), this.bwd.release()])
  }
}

/** A denoiser graph D(x, σ) (inputs x [N,C,H,W] and σ [N]) on the ORT VJP executor, on host arrays. */
export class OrtVjpExecutor {
  private constructor(private readonly opts: OrtVjpOptions, readonly graph: OrtVjpGraph) {}

  static async create(rt: OrtRuntime, bytes: Uint8Array, opts: OrtVjpOptions, init?: OrtVjpInitOptions): Promise<OrtVjpExecutor> {
    const per = opts.sampleShape.reduce((a, b) => a * b, 1)
    const at = (batch: number): FloatFeeds => ({
      [opts.x]: { data: Float32Array.from({ length: batch * per }, (_, i) => Math.sin(1.3 * i + 0.7)), dims: [batch, ...opts.sampleShape] },
      [opts.sigma]: { data: new Float32Array(batch).fill(0.8), dims: [batch] },
    })
    return new OrtVjpExecutor(opts, await OrtVjpGraph.create(rt, bytes, opts.x, [at(1), at(2)], init))
  }

  get models(): VjpModels {
    return this.graph.models
  }

  private feeds(x: Float32Array, sigma: number): FloatFeeds {
    const per = this.opts.sampleShape.reduce((a, b) => a * b, 1)
    const batch = x.length / per
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`x has ${x.length} values, not a whole batch of [${this.opts.sampleShape.join(',')}]`)
    return { [this.opts.x]: { data: x, dims: [batch, ...this.opts.sampleShape] }, [this.opts.sigma]: { data: new Float32Array(batch).fill(sigma), dims: [batch] } }
  }

  /** D(x, σ), x flattened [B, ...sampleShape]. */
  forward(x: Float32Array, sigma: number): Promise<Float32Array> {
    return this.graph.forward(this.feeds(x, sigma))
  }

  linearize(x: Float32Array, sigma: number): Promise<OrtLinearization> {
    return this.graph.linearize(this.feeds(x, sigma))
  }

  dispose(): Promise<void> {
    return this.graph.dispose()
  }
}
