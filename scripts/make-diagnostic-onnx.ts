// Build script: writes public/diagnostics/tiny.onnx, the graph the Diagnostics page runs on every ORT
// execution provider (y = c·sigmoid(c) + b2, c = Conv3×3(x)), with weights from src/engines/diagnostics/tinyGraph.ts.
// Run: npm run make:diagnostic-onnx   (the output is committed; CI does not need to run this)
import { writeFileSync, mkdirSync } from 'node:fs'
import onnxProto from 'onnx-proto'
import type { onnx as O } from 'onnx-proto'
import { TINY, tinyWeight, tinyBias, tinyB2 } from '../src/engines/diagnostics/tinyGraph'

const { onnx } = onnxProto
const FLOAT = onnx.TensorProto.DataType.FLOAT

function init(name: string, dims: number[], data: Float32Array): O.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer.slice(0)) }
}

function valueInfo(name: string, dims: (number | string)[]): O.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  }
}

const { inChannels: ci, outChannels: co, size: s, kernel: k } = TINY
const graph: O.IGraphProto = {
  name: 'tiny-diagnostic',
  node: [
    {
      opType: 'Conv', input: ['x', 'W', 'B'], output: ['c'], name: 'conv',
      attribute: [
        { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1, 1, 1] },
        { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [k, k] },
      ],
    },
    { opType: 'Sigmoid', input: ['c'], output: ['s'], name: 'sigmoid' },
    { opType: 'Mul', input: ['c', 's'], output: ['m'], name: 'mul' },
    { opType: 'Add', input: ['m', 'b2'], output: ['y'], name: 'add' },
  ],
  initializer: [
    init('W', [co, ci, k, k], tinyWeight()),
    init('B', [co], tinyBias()),
    init('b2', [co, s, s], tinyB2()),
  ],
  input: [valueInfo('x', ['N', ci, s, s])],
  output: [valueInfo('y', ['N', co, s, s])],
}
const model: O.IModelProto = {
  irVersion: 8,
  producerName: 'tweedie-playground/scripts/make-diagnostic-onnx.ts',
  opsetImport: [{ domain: '', version: 17 }],
  graph,
}
const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish()
mkdirSync('public/diagnostics', { recursive: true })
writeFileSync('public/diagnostics/tiny.onnx', bytes)
console.log(`wrote public/diagnostics/tiny.onnx (${bytes.length} bytes)`)
