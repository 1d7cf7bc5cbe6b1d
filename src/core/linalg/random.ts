// Seeded randomness. One user seed → one mulberry32 stream (below) → every draw of a run: the sampler's noise
// (fillNormal, uploaded as a tensor), masks, blur kernels. Same numbers on every backend. seedStream gives
// integer seeds where a tfjs op wants one (tf.randomNormal's seedrandom alea).

/** mulberry32: a tiny 32-bit PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Integer seeds for tf.randomNormal, one per call, from one user seed. */
export function seedStream(seed: number): () => number {
  const u = mulberry32(seed)
  return () => Math.floor(u() * 2147483647)
}

/** Standard normal draws by Box–Muller from a uniform generator. */
export function normals(n: number, uniform: () => number): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i += 2) {
    const u1 = Math.max(uniform(), 1e-300)
    const u2 = uniform()
    const r = Math.sqrt(-2 * Math.log(u1))
    out[i] = r * Math.cos(2 * Math.PI * u2)
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2)
  }
  return out
}

/**
 * Fill a Float32Array with standard normals (Box–Muller on mulberry32), in place. Used for the sampler's noise:
 * faster than tf.randomNormal (whose JS generator dominated the per-step overhead on tfjs-wasm), and the same
 * numbers on every backend for a given seed. Still CPU-generated and uploaded, as tf.randomNormal is.
 */
export function fillNormal(out: Float32Array, uniform: () => number): Float32Array {
  const n = out.length
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - uniform())) // 1 − u ∈ (0, 1]
    const t = 6.283185307179586 * uniform()
    out[i] = r * Math.cos(t)
    if (i + 1 < n) out[i + 1] = r * Math.sin(t)
  }
  return out
}
