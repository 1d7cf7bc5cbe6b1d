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
  release(): Promise<void>
}

/** How to make sessions and tensors with a given onnxruntime package (node or web). */
export interface OrtRuntime {
  createSession(bytes: Uint8Array): Promise<OrtSessionLike>
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

/** Run the original graph with every value exposed, at one batch size. */
async function probeAt(rt: OrtRuntime, bytes: Uint8Array, o: OrtVjpOptions, batch: number): Promise<Probe> {
  const s = await rt.createSession(bytes)
  try {
    const n = batch * o.sampleShape.reduce((a, b) => a * b, 1)
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + 0.7))
    const out = await s.run({ [o.x]: rt.tensor(x, [batch, ...o.sampleShape]), [o.sigma]: rt.tensor(new Float32Array(batch).fill(0.8), [batch]) })
    const probe = new Map<string, ProbedValue>()
    for (const [k, t] of Object.entries(out)) probe.set(k, { type: t.type, dims: t.dims, values: toNumbers(t) })
    probe.set(o.x, { type: 'float32', dims: [batch, ...o.sampleShape], values: x })
    probe.set(o.sigma, { type: 'float32', dims: [batch], values: new Float32Array(batch).fill(0.8) })
    return probe
  } finally {
    await s.release()
  }
}

export class OrtVjpExecutor {
  private constructor(
    private readonly rt: OrtRuntime,
    private readonly opts: OrtVjpOptions,
    readonly models: VjpModels,
    private readonly plain: OrtSessionLike,
    private readonly fwd: OrtSessionLike,
    private readonly bwd: OrtSessionLike,
  ) {}

  /** Probe, transform and open the three sessions. Throws OrtVjpUnsupportedError for an op without a backward rule. */
  static async create(rt: OrtRuntime, bytes: Uint8Array, opts: OrtVjpOptions): Promise<OrtVjpExecutor> {
    const probed = probeModel(bytes)
    const probes: [Probe, Probe] = [await probeAt(rt, probed, opts, 1), await probeAt(rt, probed, opts, 2)]
    const models = buildVjpModels(bytes, opts.x, probes)
    const plain = await rt.createSession(bytes)
    const fwd = await rt.createSession(models.forward)
    const bwd = await rt.createSession(models.backward)
    return new OrtVjpExecutor(rt, opts, models, plain, fwd, bwd)
  }

  private feeds(x: Float32Array, sigma: number): Record<string, OrtTensorLike> {
    const per = this.opts.sampleShape.reduce((a, b) => a * b, 1)
    const batch = x.length / per
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`x has ${x.length} values, not a whole batch of [${this.opts.sampleShape.join(',')}]`)
    return { [this.opts.x]: this.rt.tensor(x, [batch, ...this.opts.sampleShape]), [this.opts.sigma]: this.rt.tensor(new Float32Array(batch).fill(sigma), [batch]) }
  }

  /** D(x, σ) by the original graph (no saved activations). */
  async forward(x: Float32Array, sigma: number): Promise<Float32Array> {
    const out = await this.plain.run(this.feeds(x, sigma))
    return asFloat32(out[this.models.output], this.models.output)
  }

  /** One forward pass that keeps the activations; each vjp(v) is one backward pass. */
  async linearize(x: Float32Array, sigma: number): Promise<OrtLinearization> {
    const out = await this.fwd.run(this.feeds(x, sigma))
    const denoised = asFloat32(out[this.models.output], this.models.output)
    let saved: Record<string, OrtTensorLike> | null = {}
    for (const s of this.models.saved) {
      const t = out[s]
      if (!t) throw new Error(`the forward graph produced no ${s}`)
      saved[s] = t
    }
    const dims = [...(out[this.models.output]?.dims ?? [])]
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
    await Promise.all([this.plain.release(), this.fwd.release(), this.bwd.release()])
  }
}
