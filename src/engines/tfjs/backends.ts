// The tfjs backend ladder: webgpu > webgl > wasm > cpu, the first whose real probe passes.
// A probe is not "setBackend returned true": it runs a small matmul and conv and checks the numbers.
import type * as tfType from '@tensorflow/tfjs-core'

export const TFJS_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const
export type TfjsBackend = (typeof TFJS_BACKENDS)[number]

export function isTfjsBackend(s: string): s is TfjsBackend {
  return (TFJS_BACKENDS as readonly string[]).includes(s)
}

export interface ProbeResult {
  backend: TfjsBackend
  ok: boolean
  /** Why it is unavailable, or undefined when ok. */
  reason?: string
  ms: number
}

/** Known answer: A = [[1,2],[3,4]], B = [[5,6],[7,8]] → AB = [[19,22],[43,50]]; 3×3 ones conv of a 4×4 ramp. */
async function knownAnswer(tf: typeof tfType): Promise<string | undefined> {
  const [mm, conv] = tf.tidy(() => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2])
    const b = tf.tensor2d([5, 6, 7, 8], [2, 2])
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1])
    const w = tf.ones([3, 3, 1, 1]) as tfType.Tensor4D
    return [tf.matMul(a, b), tf.conv2d(x, w, 1, 'valid')]
  })
  try {
    const m = await mm.data()
    const c = await conv.data()
    const expectMm = [19, 22, 43, 50]
    // valid 3×3 box sums of the ramp 0..15 at (1,1),(1,2),(2,1),(2,2): 45, 54, 81, 90
    const expectConv = [45, 54, 81, 90]
    for (let i = 0; i < 4; i++) {
      if (Math.abs(m[i]! - expectMm[i]!) > 1e-3) return `matmul probe gave ${Array.from(m).join(',')}`
      if (Math.abs(c[i]! - expectConv[i]!) > 1e-3) return `conv probe gave ${Array.from(c).join(',')}`
    }
    return undefined
  } finally {
    mm.dispose()
    conv.dispose()
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** Switches tfjs to `backend` and checks it computes correctly. Leaves tfjs on it when ok. */
export async function probeBackend(tf: typeof tfType, backend: TfjsBackend, timeoutMs = 60_000): Promise<ProbeResult> {
  const t0 = performance.now()
  const done = (ok: boolean, reason?: string): ProbeResult => ({ backend, ok, reason, ms: performance.now() - t0 })
  if (tf.findBackendFactory(backend) === null) {
    // tfjs-backend-webgpu registers itself only when navigator.gpu exists
    return done(false, backend === 'webgpu' ? initFailureReason(backend) : 'not registered in this build')
  }
  try {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    const set = await Promise.race([tf.setBackend(backend), timeout])
    clearTimeout(timer)
    if (set === 'timeout') return done(false, `initialisation did not finish in ${timeoutMs / 1000} s`)
    if (!set) return done(false, initFailureReason(backend))
    await tf.ready()
    const wrong = await knownAnswer(tf)
    return wrong ? done(false, wrong) : done(true)
  } catch (e) {
    return done(false, message(e))
  }
}

function initFailureReason(backend: TfjsBackend): string {
  switch (backend) {
    case 'webgpu':
      return 'WebGPU is not available here (no navigator.gpu or no adapter; Chromium needs --enable-unsafe-webgpu on Linux)'
    case 'webgl':
      return 'WebGL2 is not available in this context'
    case 'wasm':
      return 'the WebAssembly backend failed to initialise'
    case 'cpu':
      return 'the cpu backend failed to initialise'
  }
}

export interface LadderResult {
  chosen: TfjsBackend
  probes: ProbeResult[]
  /** Set when a forced backend was asked for and could not be used. */
  forcedFailure?: string
}

/**
 * Picks the backend: the forced one when it passes its probe, else the first rung that passes.
 * `skip` removes rungs (e.g. webgpu after its device was lost).
 */
export async function chooseBackend(
  tf: typeof tfType,
  forced?: TfjsBackend,
  skip: readonly TfjsBackend[] = [],
): Promise<LadderResult> {
  const probes: ProbeResult[] = []
  let forcedFailure: string | undefined
  if (forced) {
    const p = await probeBackend(tf, forced)
    probes.push(p)
    if (p.ok) return { chosen: forced, probes }
    forcedFailure = `The backend "${forced}" was asked for (?backend=${forced}) but cannot be used: ${p.reason}. Falling back to the ladder.`
  }
  for (const b of TFJS_BACKENDS) {
    if (b === forced || skip.includes(b)) continue
    const p = await probeBackend(tf, b)
    probes.push(p)
    if (p.ok) return { chosen: b, probes, forcedFailure }
  }
  throw new Error(`No tfjs backend works here: ${probes.map((p) => `${p.backend}: ${p.reason}`).join('; ')}`)
}
