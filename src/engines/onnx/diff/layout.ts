// Physical layouts of graph values. ONNX semantics are NCHW; tfjs convolutions run NHWC. A value may be stored
// permuted: physical = transpose(logical, perm), i.e. physical.shape[k] = logical.shape[perm[k]]. Conv outputs
// are kept NHWC (perm [0,2,3,1]); layout-aware ops (elementwise, reductions, Concat, Slice, Transpose, Reshape,
// Resize) work on the stored tensor directly, and any other op gets the logical tensor (one transpose, made
// once per value). Pure shape arithmetic plus tfjs transpose/reshape.
import * as tf from '@tensorflow/tfjs-core'

export type Perm = readonly number[]

/** An op result stored in a permuted layout. */
export interface Laid {
  readonly laid: true
  readonly tensor: tf.Tensor
  readonly perm: Perm
}

export const NHWC: Perm = [0, 2, 3, 1]

export function isIdentity(p: Perm | null | undefined): boolean {
  return !p || p.every((v, i) => v === i)
}

export function samePerm(a: Perm | null, b: Perm | null): boolean {
  if (isIdentity(a) && isIdentity(b)) return true
  if (!a || !b || a.length !== b.length) return false
  return a.every((v, i) => v === b[i])
}

export function invert(p: Perm): number[] {
  const inv: number[] = []
  p.forEach((v, i) => { inv[v] = i })
  return inv
}

/** A tensor in layout perm (a plain tensor when perm is the identity). */
export function laid(tensor: tf.Tensor, perm: Perm | null): tf.Tensor | Laid {
  return isIdentity(perm) ? tensor : { laid: true, tensor, perm: perm as Perm }
}

export function isLaid(v: unknown): v is Laid {
  return typeof v === 'object' && v !== null && (v as { laid?: unknown }).laid === true
}

/** transpose(x, perm), as a reshape when perm only moves size-1 dims (no data movement). */
export function permute(x: tf.Tensor, perm: Perm): tf.Tensor {
  if (isIdentity(perm)) return x
  const moved = perm.filter((a) => (x.shape[a] ?? 1) !== 1)
  if (moved.every((a, i) => i === 0 || a > (moved[i - 1] as number))) return tf.reshape(x, perm.map((a) => x.shape[a] ?? 1))
  return tf.transpose(x, [...perm])
}

/** Logical tensor → physical in layout perm. */
export const toPhysical = (logical: tf.Tensor, perm: Perm): tf.Tensor => permute(logical, perm)

/** Physical tensor in layout perm → logical. */
export const toLogical = (physical: tf.Tensor, perm: Perm): tf.Tensor => permute(physical, invert(perm))

/** Physical shape of a logical shape in layout perm. */
export function physicalShape(logical: readonly number[], perm: Perm): number[] {
  return perm.map((a) => logical[a] ?? 1)
}

/** Position of logical axis a in the physical layout. */
export function physicalAxis(perm: Perm | null, a: number): number {
  return perm ? perm.indexOf(a) : a
}

/** Layout of transpose(L, p) when L is stored in layout q: the stored tensor is reused as is. */
export function composeTranspose(q: Perm | null, p: Perm): number[] {
  const pinv = invert(p)
  const base = q ?? p.map((_, i) => i)
  return base.map((a) => pinv[a] as number)
}

/** Layout after a reduction over logical axes `axes` without keepdims: drop them and renumber. */
export function dropAxes(q: Perm, axes: readonly number[]): number[] {
  const kept = q.filter((a) => !axes.includes(a))
  return kept.map((a) => a - axes.filter((r) => r < a).length)
}

/**
 * Layout of reshape(L, outShape) when L (logical shape inShape) is stored in layout q, if the reshape can be
 * done on the stored tensor: it only merges or splits logical dims that lie next to each other, in order, in the
 * physical layout too. Returns null otherwise (the caller makes the logical tensor and reshapes that).
 */
export function reshapePerm(inShape: readonly number[], q: Perm, outShape: readonly number[]): number[] | null {
  if (inShape.some((d) => d === 0) || outShape.some((d) => d === 0)) return null
  const groups: { ins: number[]; outs: number[] }[] = []
  let i = 0
  let j = 0
  const n = inShape.length
  const m = outShape.length
  while (i < n || j < m) {
    if (i < n && j < m && inShape[i] === outShape[j]) {
      groups.push({ ins: [i++], outs: [j++] })
      continue
    }
    if (i < n && inShape[i] === 1) {
      groups.push({ ins: [i++], outs: [] }) // a dropped size-1 dim
      continue
    }
    if (i >= n || j >= m || outShape[j] === 1) return null // a new size-1 dim: position is ambiguous
    const ins = [i]
    const outs = [j]
    let pi = inShape[i++] as number
    let pj = outShape[j++] as number
    while (pi !== pj) {
      if (pi < pj) {
        if (i >= n) return null
        ins.push(i)
        pi *= inShape[i++] as number
      } else {
        if (j >= m) return null
        outs.push(j)
        pj *= outShape[j++] as number
      }
    }
    groups.push({ ins, outs })
  }
  const placed: { pos: number; outs: number[] }[] = []
  for (const g of groups) {
    const pos = g.ins.map((a) => q.indexOf(a))
    if (pos.some((p, k) => k > 0 && p !== (pos[k - 1] as number) + 1)) return null
    if (g.outs.length > 0) placed.push({ pos: pos[0] as number, outs: g.outs })
  }
  placed.sort((a, b) => a.pos - b.pos)
  const out = placed.flatMap((g) => g.outs)
  return out.length === m ? out : null
}
