// The gradient of tfjs's BatchMatMul kernel, re-registered with explicit transposes. tfjs's own gradient uses
// matMul's transposeA/transposeB flags, and tfjs-wasm runs a flagged matMul about 10× slower than matMul of an
// explicitly transposed operand (stack-notes §4): in a U-Net VJP the attention matmuls' backward took more time
// than all its convolutions. Same maths for every flag combination and for broadcast batch dims (the gradient of
// a broadcast operand is summed back to its shape), on every backend. Imported for its side effect by tape.ts.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs' // tfjs's gradients are registered first; this one replaces BatchMatMul's

/** Swap the last two dims. */
function t2(x: tf.Tensor): tf.Tensor {
  const r = x.rank
  return tf.transpose(x, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2])
}

/** Sum a gradient over the leading (batch) dims it was broadcast along, back to `shape`. */
function reduceTo(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g
  const lead = g.rank - shape.length
  const axes: number[] = []
  for (let i = 0; i < g.rank - 2; i++) {
    const s = i - lead >= 0 ? shape[i - lead] : undefined
    if (s === undefined || (s === 1 && g.shape[i] !== 1)) axes.push(i)
  }
  const summed = axes.length > 0 ? tf.sum(g, axes, true) : g
  return tf.reshape(summed, [...shape])
}

tf.registerGradient({
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const g = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy
    const [a, b] = saved as [tf.Tensor, tf.Tensor]
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean }
    const mm = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.matMul(x, y)
    let da: () => tf.Tensor
    let db: () => tf.Tensor
    if (!transposeA && !transposeB) {
      da = () => mm(g, t2(b))
      db = () => mm(t2(a), g)
    } else if (!transposeA && transposeB) {
      da = () => mm(g, b)
      db = () => mm(t2(g), a)
    } else if (transposeA && !transposeB) {
      da = () => mm(b, t2(g))
      db = () => mm(a, g)
    } else {
      da = () => mm(t2(b), t2(g))
      db = () => mm(t2(g), t2(a))
    }
    return { a: () => reduceTo(da(), a.shape), b: () => reduceTo(db(), b.shape) }
  },
})
