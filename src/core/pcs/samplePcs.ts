// Principal components of a set of posterior samples (S×N, S small): the top eigenpairs of the sample
// covariance C = XᵀX/(S−1), X the centred samples, through the S×S Gram matrix XXᵀ/(S−1) (same non-zero
// eigenvalues; v = Xᵀu/√((S−1)λ)). At most S − 1 components exist. Float64; pure.
import { symEig } from '../linalg/dense'

export interface SamplePcs {
  eigenvalues: number[]
  vectors: Float32Array[]
  mean: Float32Array
}

export function samplePcs(samples: Float32Array, s: number, n: number, k: number): SamplePcs {
  if (samples.length !== s * n) throw new Error(`expected ${s}×${n} values, got ${samples.length}`)
  if (s < 2) throw new Error('principal components need at least 2 samples')
  const kk = Math.min(k, s - 1)
  const mean = new Float64Array(n)
  for (let i = 0; i < s; i++) for (let j = 0; j < n; j++) mean[j] += samples[i * n + j]! / s
  const g = new Float64Array(s * s)
  for (let a = 0; a < s; a++) for (let b = a; b < s; b++) {
    let acc = 0
    for (let j = 0; j < n; j++) acc += (samples[a * n + j]! - mean[j]!) * (samples[b * n + j]! - mean[j]!)
    g[a * s + b] = g[b * s + a] = acc / (s - 1)
  }
  const { values, vectors: u } = symEig(g, s)
  const order = Array.from(values, (_, i) => i).sort((p, q) => values[q]! - values[p]!).slice(0, kk)
  const out: Float32Array[] = []
  const eig: number[] = []
  for (const o of order) {
    const lam = Math.max(values[o]!, 0)
    const v = new Float64Array(n)
    for (let a = 0; a < s; a++) { const ua = u[a * s + o]!; if (ua !== 0) for (let j = 0; j < n; j++) v[j] += ua * (samples[a * n + j]! - mean[j]!) }
    let nn = 0, big = 0
    for (let j = 0; j < n; j++) { nn += v[j]! * v[j]!; if (Math.abs(v[j]!) > Math.abs(big)) big = v[j]! }
    const scale = (big < 0 ? -1 : 1) / Math.sqrt(nn || 1)
    out.push(Float32Array.from(v, (e) => e * scale))
    eig.push(lam)
  }
  return { eigenvalues: eig, vectors: out, mean: Float32Array.from(mean) }
}
