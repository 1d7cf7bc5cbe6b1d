#!/usr/bin/python3
"""Build-time generator of tiny ONNX graphs, one (or a few) per op supported by the differentiable ONNX engine
(src/engines/onnx/diff), plus a tiny EDM-preconditioned conv denoiser (x, sigma) -> denoised.

Run with Debian's python3 + python3-onnx (1.12):  /usr/bin/python3 scripts/make-op-graphs.py
Writes test/fixtures/onnx-ops/*.onnx and test/fixtures/onnx-ops/manifest.json (input shapes and how to sample them).
Deterministic (fixed numpy seed), so the committed files only change when this script does.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'onnx-ops')
rng = np.random.default_rng(7)
manifest = []
os.makedirs(OUT, exist_ok=True)

F = TensorProto.FLOAT
I64 = TensorProto.INT64


def f32(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def i64(values):
    return np.array(values, dtype=np.int64)


def save(name, nodes, inputs, outputs, inits=None, opset=17, ir=8, grad=True, note='', check=True):
    """inputs: list of (name, shape (ints or 'N'), sampling kind: randn|positive|unit, concrete shape)."""
    g_inputs = []
    feeds = {}
    for (nm, sym_shape, kind, shape) in inputs:
        g_inputs.append(helper.make_tensor_value_info(nm, F, sym_shape))
        feeds[nm] = {'shape': shape, 'kind': kind}
    g_outputs = [helper.make_tensor_value_info(o, F, None) for o in outputs]
    initializers = [numpy_helper.from_array(v, k) for k, v in (inits or {}).items()]
    graph = helper.make_graph(nodes, name, g_inputs, g_outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)], producer_name='make-op-graphs')
    model.ir_version = ir
    if check:
        # fill in the output types by shape inference, then validate
        inferred = onnx.shape_inference.infer_shapes(model)
        known = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
        for i, o in enumerate(outputs):
            if o in known and known[o].type.tensor_type.HasField('shape'):
                model.graph.output[i].CopyFrom(known[o])
        if all(o.type.tensor_type.HasField('shape') for o in model.graph.output):
            onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + '.onnx'))
    manifest.append({'name': name, 'file': name + '.onnx', 'ops': sorted({n.op_type for n in nodes}),
                     'inputs': feeds, 'outputs': outputs, 'grad': grad, 'note': note, 'opset': opset})


N = helper.make_node
X4 = ('x', ['N', 3, 5, 5], 'randn', [2, 3, 5, 5])

# ---------------------------------------------------------------- elementwise unary
for op, kind in [('Sqrt', 'positive'), ('Exp', 'randn'), ('Log', 'positive'), ('Sin', 'randn'), ('Cos', 'randn'),
                 ('Neg', 'randn'), ('Sigmoid', 'randn'), ('Relu', 'randn'), ('Tanh', 'randn'), ('Erf', 'randn'),
                 ('Abs', 'randn'), ('Reciprocal', 'positive'), ('Softplus', 'randn'), ('Identity', 'randn')]:
    save(op, [N(op, ['x'], ['out'])], [('x', ['N', 3, 4, 4], kind, [2, 3, 4, 4])], ['out'])
save('LeakyRelu', [N('LeakyRelu', ['x'], ['out'], alpha=0.2)], [X4], ['out'])
save('Elu', [N('Elu', ['x'], ['out'], alpha=0.7)], [X4], ['out'])
save('HardSigmoid', [N('HardSigmoid', ['x'], ['out'], alpha=0.3, beta=0.4)], [X4], ['out'])
save('Clip', [N('Clip', ['x', 'lo', 'hi'], ['out'])], [X4], ['out'],
     {'lo': np.array(-0.4, np.float32), 'hi': np.array(0.6, np.float32)})
save('Dropout', [N('Dropout', ['x'], ['out'], )], [X4], ['out'], note='inference: identity')
# torch's Gelu export before opset 20: x * 0.5 * (1 + erf(x / sqrt(2)))
save('Gelu_erf_pattern', [N('Div', ['x', 'sqrt2'], ['a']), N('Erf', ['a'], ['b']), N('Add', ['b', 'one'], ['c']),
                          N('Mul', ['x', 'c'], ['d']), N('Mul', ['d', 'half'], ['out'])], [X4], ['out'],
     {'sqrt2': np.array(np.sqrt(2), np.float32), 'one': np.array(1, np.float32), 'half': np.array(0.5, np.float32)})
save('Gelu', [N('Gelu', ['x'], ['out'])], [X4], ['out'], opset=20, ir=9, check=False)
save('Gelu_tanh', [N('Gelu', ['x'], ['out'], approximate='tanh')], [X4], ['out'], opset=20, ir=9, check=False)

# ---------------------------------------------------------------- elementwise binary (broadcasting)
c = f32(3, 1, 1)
for op in ['Add', 'Sub', 'Mul', 'Div']:
    cc = np.abs(c) + 0.5 if op == 'Div' else c
    save(op, [N(op, ['x', 'c'], ['out'])], [X4], ['out'], {'c': cc.astype(np.float32)})
save('Mul_two_inputs', [N('Mul', ['x', 'y'], ['out'])], [X4, ('y', [1, 3, 1, 5], 'randn', [1, 3, 1, 5])], ['out'])
save('Div_two_inputs', [N('Div', ['x', 'y'], ['out'])], [X4, ('y', [5], 'positive', [5])], ['out'])
save('Pow', [N('Pow', ['x', 'e'], ['out'])], [('x', ['N', 3, 4], 'positive', [2, 3, 4])], ['out'],
     {'e': np.array(2.5, np.float32)})
save('Pow_square', [N('Pow', ['x', 'e'], ['out'])], [X4], ['out'], {'e': np.array(2.0, np.float32)})
save('Max_Min', [N('Max', ['x', 'c'], ['a']), N('Min', ['a', 'd'], ['out'])], [X4], ['out'],
     {'c': np.array(-0.3, np.float32), 'd': f32(5) + 0.4})

# ---------------------------------------------------------------- matmul family
save('Gemm', [N('Gemm', ['a', 'b', 'c'], ['out'], alpha=0.5, beta=2.0, transB=1)],
     [('a', ['N', 5], 'randn', [2, 5])], ['out'], {'b': f32(4, 5), 'c': f32(4)})
save('Gemm_transA', [N('Gemm', ['a', 'b'], ['out'], transA=1)], [('a', [5, 'N'], 'randn', [5, 3])], ['out'],
     {'b': f32(5, 4)})
save('MatMul', [N('MatMul', ['x', 'w'], ['out'])], [('x', ['N', 3, 4, 5], 'randn', [2, 3, 4, 5])], ['out'],
     {'w': f32(5, 6)})
save('MatMul_batched', [N('MatMul', ['x', 'y'], ['out'])],
     [('x', ['N', 3, 4], 'randn', [2, 3, 4]), ('y', ['N', 4, 5], 'randn', [2, 4, 5])], ['out'])

# ---------------------------------------------------------------- conv family
save('Conv', [N('Conv', ['x', 'w', 'b'], ['out'], pads=[1, 1, 1, 1], kernel_shape=[3, 3])],
     [('x', ['N', 3, 6, 6], 'randn', [2, 3, 6, 6])], ['out'], {'w': f32(4, 3, 3, 3), 'b': f32(4)})
save('Conv_stride_asympad', [N('Conv', ['x', 'w'], ['out'], pads=[1, 0, 2, 1], strides=[2, 2])],
     [('x', ['N', 3, 7, 6], 'randn', [2, 3, 7, 6])], ['out'], {'w': f32(4, 3, 3, 2)})
save('Conv_groups_dilation', [N('Conv', ['x', 'w', 'b'], ['out'], pads=[2, 2, 2, 2], dilations=[2, 2], group=2)],
     [('x', ['N', 4, 6, 6], 'randn', [1, 4, 6, 6])], ['out'], {'w': f32(6, 2, 3, 3), 'b': f32(6)})
save('Conv_depthwise', [N('Conv', ['x', 'w'], ['out'], pads=[1, 1, 1, 1], group=4)],
     [('x', ['N', 4, 5, 5], 'randn', [2, 4, 5, 5])], ['out'], {'w': f32(8, 1, 3, 3)})
save('Conv_autopad_same', [N('Conv', ['x', 'w'], ['out'], auto_pad='SAME_UPPER', strides=[2, 2])],
     [('x', ['N', 3, 6, 6], 'randn', [2, 3, 6, 6])], ['out'], {'w': f32(4, 3, 4, 4)})
save('Conv_1d', [N('Conv', ['x', 'w', 'b'], ['out'], pads=[1, 1])],
     [('x', ['N', 3, 8], 'randn', [2, 3, 8])], ['out'], {'w': f32(4, 3, 3), 'b': f32(4)})
save('ConvTranspose', [N('ConvTranspose', ['x', 'w', 'b'], ['out'], strides=[2, 2], pads=[1, 1, 1, 1])],
     [('x', ['N', 4, 4, 4], 'randn', [2, 4, 4, 4])], ['out'], {'w': f32(4, 3, 4, 4), 'b': f32(3)})
save('ConvTranspose_outpad_groups', [N('ConvTranspose', ['x', 'w'], ['out'], strides=[2, 2], pads=[1, 1, 1, 1],
                                       output_padding=[1, 1], group=2)],
     [('x', ['N', 4, 3, 3], 'randn', [1, 4, 3, 3])], ['out'], {'w': f32(4, 3, 3, 3)})
save('ConvTranspose_dilation', [N('ConvTranspose', ['x', 'w'], ['out'], dilations=[2, 2])],
     [('x', ['N', 2, 3, 3], 'randn', [1, 2, 3, 3])], ['out'], {'w': f32(2, 3, 2, 2)})

# ---------------------------------------------------------------- softmax, reductions
save('Softmax', [N('Softmax', ['x'], ['out'])], [X4], ['out'])
save('Softmax_axis1', [N('Softmax', ['x'], ['out'], axis=1)], [X4], ['out'])
save('ReduceMean', [N('ReduceMean', ['x'], ['out'], axes=[2, 3], keepdims=1)], [X4], ['out'])
save('ReduceMean_opset18', [N('ReduceMean', ['x', 'axes'], ['out'], keepdims=0)], [X4], ['out'],
     {'axes': i64([1])}, opset=18, check=False)
save('ReduceSum', [N('ReduceSum', ['x', 'axes'], ['out'], keepdims=1)], [X4], ['out'], {'axes': i64([1, 3])})
save('ReduceMax', [N('ReduceMax', ['x'], ['out'], axes=[1], keepdims=0)], [X4], ['out'])

# ---------------------------------------------------------------- normalisation
C4 = ('x', ['N', 4, 3, 3], 'randn', [2, 4, 3, 3])
save('InstanceNormalization', [N('InstanceNormalization', ['x', 's', 'b'], ['out'], epsilon=1e-5)], [C4], ['out'],
     {'s': f32(4) + 1, 'b': f32(4)})
save('BatchNormalization', [N('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['out'], epsilon=1e-5)], [C4], ['out'],
     {'s': f32(4) + 1, 'b': f32(4), 'm': f32(4), 'v': np.abs(f32(4)) + 0.5})
save('LayerNormalization', [N('LayerNormalization', ['x', 's', 'b'], ['out'], axis=-1, epsilon=1e-5)],
     [('x', ['N', 3, 6], 'randn', [2, 3, 6])], ['out'], {'s': f32(6) + 1, 'b': f32(6)})
save('LayerNormalization_axis1', [N('LayerNormalization', ['x', 's'], ['out'], axis=1, epsilon=1e-5)],
     [('x', ['N', 2, 3], 'randn', [2, 2, 3])], ['out'], {'s': f32(2, 3) + 1})
save('GroupNormalization', [N('GroupNormalization', ['x', 's', 'b'], ['out'], num_groups=2, epsilon=1e-5)], [C4],
     ['out'], {'s': f32(2) + 1, 'b': f32(2)}, opset=18, ir=8, check=False, note='opset 18: scale/bias per group')
save('GroupNormalization_opset21', [N('GroupNormalization', ['x', 's', 'b'], ['out'], num_groups=2, epsilon=1e-5)],
     [C4], ['out'], {'s': f32(4) + 1, 'b': f32(4)}, opset=21, ir=10, check=False,
     note='opset 21: scale/bias per channel')

# ---------------------------------------------------------------- shape manipulation
save('Concat', [N('Concat', ['x', 'c'], ['out'], axis=1)], [X4], ['out'], {'c': f32(2, 2, 5, 5)},
     note='batch must be 2 (the initializer is concatenated)')
save('Split', [N('Split', ['x', 'split'], ['a', 'b', 'c'], axis=1), N('Concat', ['c', 'a', 'b'], ['out'], axis=1)],
     [('x', ['N', 4, 3], 'randn', [2, 4, 3])], ['out'], {'split': i64([1, 2, 1])})
save('Split_equal_opset11', [N('Split', ['x'], ['a', 'b'], axis=2), N('Sub', ['a', 'b'], ['out'])],
     [('x', ['N', 3, 4], 'randn', [2, 3, 4])], ['out'], opset=11)
save('Slice', [N('Slice', ['x', 'st', 'en', 'ax'], ['out'])], [('x', ['N', 4, 6, 6], 'randn', [2, 4, 6, 6])], ['out'],
     {'st': i64([1, 1]), 'en': i64([5, 9223372036854775807]), 'ax': i64([2, 3])})
save('Slice_steps_negative', [N('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['out'])],
     [('x', ['N', 4, 6, 6], 'randn', [2, 4, 6, 6])], ['out'],
     {'st': i64([-1, 0]), 'en': i64([-9223372036854775807, 6]), 'ax': i64([1, -1]), 'sp': i64([-2, 2])})
save('Gather', [N('Gather', ['x', 'i'], ['out'], axis=1)], [('x', ['N', 5, 3], 'randn', [2, 5, 3])], ['out'],
     {'i': i64([4, 0, 2, -1])})
save('Gather_scalar', [N('Gather', ['x', 'i'], ['out'], axis=1)], [X4], ['out'], {'i': np.array(1, np.int64)})
save('Reshape', [N('Reshape', ['x', 's'], ['out'])], [X4], ['out'], {'s': i64([0, -1, 5])})
# initializers in typed fields (int64_data / float_data / double via Cast) instead of raw_data
_typed = helper.make_graph(
    [N('Reshape', ['x', 'shp'], ['r']), N('Cast', ['dbl'], ['dblf'], to=F), N('Mul', ['r', 'fl'], ['m']),
     N('Add', ['m', 'dblf'], ['out'])], 'Reshape_typed_fields',
    [helper.make_tensor_value_info('x', F, ['N', 3, 5, 5])], [helper.make_tensor_value_info('out', F, None)],
    [helper.make_tensor('shp', I64, [3], [0, -1, 5]), helper.make_tensor('fl', F, [5], [0.5, -1.0, 2.0, 0.25, 3.0]),
     helper.make_tensor('dbl', TensorProto.DOUBLE, [1], [0.125])])
_m = helper.make_model(_typed, opset_imports=[helper.make_opsetid('', 17)], producer_name='make-op-graphs')
_m.ir_version = 8
onnx.save(_m, os.path.join(OUT, 'Reshape_typed_fields.onnx'))
manifest.append({'name': 'Reshape_typed_fields', 'file': 'Reshape_typed_fields.onnx', 'ops': ['Add', 'Cast', 'Mul', 'Reshape'],
                 'inputs': {'x': {'shape': [2, 3, 5, 5], 'kind': 'randn'}}, 'outputs': ['out'], 'grad': True,
                 'note': 'typed int64_data / float_data / double_data initializers', 'opset': 17})
save('Flatten', [N('Flatten', ['x'], ['out'], axis=2)], [X4], ['out'])
save('Transpose', [N('Transpose', ['x'], ['out'], perm=[0, 2, 3, 1])], [X4], ['out'])
save('Squeeze_Unsqueeze', [N('Unsqueeze', ['x', 'a'], ['u']), N('Squeeze', ['u', 'b'], ['out'])],
     [('x', ['N', 3, 1, 4], 'randn', [2, 3, 1, 4])], ['out'], {'a': i64([1, -1]), 'b': i64([3])})
save('Squeeze_Unsqueeze_opset11', [N('Unsqueeze', ['x'], ['u'], axes=[0]), N('Squeeze', ['u'], ['out'], axes=[0, 3])],
     [('x', ['N', 3, 1, 4], 'randn', [2, 3, 1, 4])], ['out'], opset=11)
save('Expand', [N('Expand', ['x', 's'], ['out'])], [('x', [3, 1], 'randn', [3, 1])], ['out'], {'s': i64([2, 1, 4])})
save('Pad_constant', [N('Pad', ['x', 'p', 'v'], ['out'], mode='constant')], [X4], ['out'],
     {'p': i64([0, 0, 1, 2, 0, 1, 2, 0]), 'v': np.array(0.3, np.float32)})
save('Pad_reflect', [N('Pad', ['x', 'p'], ['out'], mode='reflect')], [X4], ['out'], {'p': i64([0, 0, 2, 1, 0, 0, 1, 2])})
save('Pad_edge', [N('Pad', ['x', 'p'], ['out'], mode='edge')], [X4], ['out'], {'p': i64([0, 0, 1, 2, 0, 0, 3, 1])})
save('Identity_Dropout_chain', [N('Identity', ['x'], ['a']), N('Dropout', ['a', 'r'], ['out'])], [X4], ['out'],
     {'r': np.array(0.5, np.float32)})

# ---------------------------------------------------------------- torch-style dynamic shape chains
save('Shape_Gather_Concat_Reshape', [
    N('Shape', ['x'], ['s']), N('Gather', ['s', 'zero'], ['n'], axis=0), N('Unsqueeze', ['n', 'ax0'], ['n1']),
    N('Concat', ['n1', 'minus1'], ['shp'], axis=0), N('Reshape', ['x', 'shp'], ['flat']),
    N('Mul', ['flat', 'flat'], ['sq']), N('Reshape', ['sq', 's'], ['out'])],
    [X4], ['out'], {'zero': np.array(0, np.int64), 'ax0': i64([0]), 'minus1': i64([-1])})
save('Shape_start_end', [N('Shape', ['x'], ['s'], start=2), N('ConstantOfShape', ['s'], ['z'],
                          value=helper.make_tensor('v', F, [1], [0.25])), N('Add', ['x', 'z'], ['out'])],
     [X4], ['out'], opset=15)
save('Constant', [N('Constant', [], ['c'], value=helper.make_tensor('c', F, [5], [1, 2, 3, 4, 5])),
                  N('Mul', ['x', 'c'], ['out'])], [X4], ['out'])
save('Constant_scalar_attrs', [N('Constant', [], ['c'], value_float=1.5), N('Constant', [], ['d'], value_floats=[1., 2., 3., 4., 5.]),
                               N('Mul', ['x', 'c'], ['a']), N('Add', ['a', 'd'], ['out'])], [X4], ['out'])
save('ConstantOfShape', [N('Shape', ['x'], ['s']), N('ConstantOfShape', ['s'], ['z'],
                                                      value=helper.make_tensor('v', F, [1], [0.5])),
                         N('Sub', ['x', 'z'], ['out'])], [X4], ['out'])
save('Cast', [N('Cast', ['x'], ['i'], to=I64), N('Cast', ['i'], ['f'], to=F), N('Add', ['f', 'x'], ['out'])],
     [('x', ['N', 3, 4], 'randn', [2, 3, 4])], ['out'], grad=False, note='float->int truncation is not differentiable')
save('Cast_shape', [N('Shape', ['x'], ['s']), N('Cast', ['s'], ['sf'], to=F), N('Slice', ['sf', 'st', 'en'], ['last']),
                    N('Mul', ['x', 'last'], ['out'])], [X4], ['out'], {'st': i64([3]), 'en': i64([4])})
save('Where', [N('Neg', ['x'], ['nx']), N('Where', ['c', 'x', 'nx'], ['out'])], [X4], ['out'],
     {'c': rng.standard_normal((5,)) > 0})
save('Equal', [N('Cast', ['x'], ['i'], to=I64), N('Equal', ['i', 'k'], ['e']), N('Neg', ['x'], ['nx']),
               N('Where', ['e', 'x', 'nx'], ['out'])], [('x', ['N', 3, 4], 'randn', [2, 3, 4])], ['out'],
     {'k': i64(0)}, grad=False, note='Equal on truncated ints')
save('Range', [N('Shape', ['x'], ['s']), N('Gather', ['s', 'three'], ['w'], axis=0),
               N('Range', ['zero', 'w', 'one'], ['r']), N('Cast', ['r'], ['rf'], to=F), N('Mul', ['x', 'rf'], ['out'])],
     [X4], ['out'], {'three': np.array(3, np.int64), 'zero': np.array(0, np.int64), 'one': np.array(1, np.int64)})
save('Range_float', [N('Range', ['a', 'b', 'd'], ['r']), N('Add', ['x', 'r'], ['out'])], [X4], ['out'],
     {'a': np.array(0.5, np.float32), 'b': np.array(2.9, np.float32), 'd': np.array(0.5, np.float32)})

# ---------------------------------------------------------------- resize
X_small = ('x', ['N', 2, 3, 4], 'randn', [2, 2, 3, 4])
save('Resize_nearest_scales', [N('Resize', ['x', '', 'sc'], ['out'], mode='nearest',
                                 coordinate_transformation_mode='asymmetric', nearest_mode='floor')],
     [X_small], ['out'], {'sc': np.array([1, 1, 2, 2], np.float32)})
save('Resize_nearest_halfpixel', [N('Resize', ['x', '', '', 'sz'], ['out'], mode='nearest')],
     [X_small], ['out'], {'sz': i64([2, 2, 5, 7])})
save('Resize_linear_halfpixel', [N('Resize', ['x', '', 'sc'], ['out'], mode='linear')],
     [X_small], ['out'], {'sc': np.array([1, 1, 2, 2], np.float32)})
save('Resize_linear_align_corners', [N('Resize', ['x', '', '', 'sz'], ['out'], mode='linear',
                                       coordinate_transformation_mode='align_corners')],
     [X_small], ['out'], {'sz': i64([2, 2, 5, 7])})
save('Resize_linear_pytorch_half_pixel', [N('Resize', ['x', 'roi', 'sc'], ['out'], mode='linear',
                                            coordinate_transformation_mode='pytorch_half_pixel')],
     [X_small], ['out'], {'roi': np.zeros(0, np.float32), 'sc': np.array([1, 1, 0.5, 1.5], np.float32)})
save('Upsample_opset9', [N('Upsample', ['x', 'sc'], ['out'], mode='nearest')], [X_small], ['out'],
     {'sc': np.array([1, 1, 2, 3], np.float32)}, opset=9)


# ---------------------------------------------------------------- the rest of the registry
for op, kind in [('Tan', 'unit'), ('Selu', 'randn'), ('HardSwish', 'randn'), ('Softsign', 'randn')]:
    save(op, [N(op, ['x'], ['out'])], [('x', ['N', 3, 4], kind, [2, 3, 4])], ['out'])
save('Mish', [N('Mish', ['x'], ['out'])], [('x', ['N', 3, 4], 'randn', [2, 3, 4])], ['out'], opset=18, check=False)
for op in ['Sign', 'Floor', 'Ceil', 'Round']:
    # piecewise constant: forward parity only (its derivative is 0 almost everywhere)
    save(op, [N('Mul', ['x', 'k'], ['a']), N(op, ['a'], ['out'])], [('x', ['N', 3, 4], 'randn', [2, 3, 4])], ['out'],
         {'k': np.array(3.0, np.float32)}, grad=False)
save('Compare_logic', [N('Greater', ['x', 'a'], ['g']), N('Less', ['x', 'b'], ['l']), N('And', ['g', 'l'], ['band']),
                       N('GreaterOrEqual', ['x', 'b'], ['ge']), N('LessOrEqual', ['x', 'a'], ['le']), N('Or', ['ge', 'le'], ['bor']),
                       N('Xor', ['band', 'bor'], ['bx']), N('Not', ['bx'], ['nb']), N('Neg', ['x'], ['nx']),
                       N('Where', ['nb', 'x', 'nx'], ['w']), N('IsNaN', ['x'], ['isn']), N('Where', ['isn', 'nx', 'w'], ['out'])],
     [('x', ['N', 3, 4], 'randn', [2, 3, 4])], ['out'], {'a': np.array(-0.5, np.float32), 'b': np.array(0.5, np.float32)},
     grad=False, check=False)
save('Sum_Mean_variadic', [N('Sum', ['x', 'c', 'x'], ['s']), N('Mean', ['s', 'x', 'd'], ['out'])], [X4], ['out'],
     {'c': f32(5), 'd': f32(3, 1, 1)})
save('Tile', [N('Tile', ['x', 'r'], ['out'])], [('x', ['N', 2, 3], 'randn', [2, 2, 3])], ['out'], {'r': i64([1, 2, 3])})
save('Size', [N('Size', ['x'], ['n']), N('Cast', ['n'], ['nf'], to=F), N('Mul', ['x', 'nf'], ['out'])], [X4], ['out'])
save('LogSoftmax', [N('LogSoftmax', ['x'], ['out'], axis=1)], [X4], ['out'])
save('Softmax_opset11', [N('Softmax', ['x'], ['out'], axis=1)], [X4], ['out'], opset=11)
for op in ['ReduceMin', 'ReduceProd', 'ReduceSumSquare', 'ReduceL2', 'ReduceLogSumExp']:
    save(op, [N(op, ['x'], ['out'], axes=[2], keepdims=1)], [('x', ['N', 3, 4, 5], 'positive', [2, 3, 4, 5])], ['out'])
save('AveragePool', [N('AveragePool', ['x'], ['out'], kernel_shape=[2, 2], strides=[2, 2])],
     [('x', ['N', 3, 6, 6], 'randn', [2, 3, 6, 6])], ['out'])
save('AveragePool_pads', [N('AveragePool', ['x'], ['out'], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)],
     [('x', ['N', 3, 5, 5], 'randn', [2, 3, 5, 5])], ['out'])
save('MaxPool', [N('MaxPool', ['x'], ['out'], kernel_shape=[2, 2], strides=[2, 2])],
     [('x', ['N', 3, 6, 6], 'randn', [2, 3, 6, 6])], ['out'])
save('GlobalAveragePool', [N('GlobalAveragePool', ['x'], ['out'])], [X4], ['out'])
save('GlobalMaxPool', [N('GlobalMaxPool', ['x'], ['out'])], [X4], ['out'])


# ---------------------------------------------------------------- a self-attention block as torch exports it
# x [N,C,H,W] -> [N,C,HW] -> [N,HW,C]; q,k,v = MatMul with weights; softmax(q k^T / sqrt(C)) v; back to NCHW; + x
save('Attention_block', [
    N('Shape', ['x'], ['s']), N('Slice', ['s', 'z1', 'two'], ['nc']), N('Concat', ['nc', 'minus1'], ['s3'], axis=0),
    N('Reshape', ['x', 's3'], ['x3']), N('Transpose', ['x3'], ['xt'], perm=[0, 2, 1]),
    N('MatMul', ['xt', 'wq'], ['q']), N('MatMul', ['xt', 'wk'], ['k']), N('MatMul', ['xt', 'wv'], ['v']),
    N('Transpose', ['k'], ['kt'], perm=[0, 2, 1]), N('MatMul', ['q', 'kt'], ['qk']), N('Mul', ['qk', 'scale'], ['qks']),
    N('Softmax', ['qks'], ['att'], axis=-1), N('MatMul', ['att', 'v'], ['o']), N('Transpose', ['o'], ['ot'], perm=[0, 2, 1]),
    N('Reshape', ['ot', 's'], ['o4']), N('Add', ['x', 'o4'], ['out'])],
    [('x', ['N', 4, 3, 3], 'randn', [2, 4, 3, 3])], ['out'],
    {'z1': i64([0]), 'two': i64([2]), 'minus1': i64([-1]), 'wq': f32(4, 4), 'wk': f32(4, 4), 'wv': f32(4, 4),
     'scale': np.array(0.5, np.float32)})


# ---------------------------------------------------------------- a tiny EDM denoiser (x, sigma) -> D(x, sigma)
def edm_denoiser(path, ch=3, width=8, sigma_data=0.5):
    W = lambda *s: (rng.standard_normal(s) / np.sqrt(np.prod(s[1:]))).astype(np.float32)
    inits = {
        'sd2': np.array(sigma_data ** 2, np.float32), 'sd': np.array(sigma_data, np.float32),
        'one': np.array(1.0, np.float32), 'quarter': np.array(0.25, np.float32),
        'ax123': i64([1, 2, 3]), 'ax1': i64([1]), 'ax23': i64([2, 3]),
        'emb_w1': W(1, width), 'emb_b1': f32(width), 'emb_w2': W(2 * width, width), 'emb_b2': f32(width),
        'c1_w': W(width, ch, 3, 3), 'c1_b': f32(width),
        'gn_s': np.ones(2, np.float32), 'gn_b': np.zeros(2, np.float32), 'gn_gamma': (f32(width, 1, 1) + 1),
        'gn_beta': f32(width, 1, 1), 'two': i64([2]), 'minus1': i64([-1]), 'zero': np.array(0, np.int64),
        'c2_w': W(width, width, 3, 3), 'c2_b': f32(width),
        'c3_w': W(ch, 2 * width, 3, 3), 'c3_b': f32(ch), 'scales': np.array([1, 1, 2, 2], np.float32),
    }
    nodes = [
        # preconditioning
        N('Unsqueeze', ['sigma', 'ax123'], ['s4']), N('Mul', ['s4', 's4'], ['s2']), N('Add', ['s2', 'sd2'], ['den']),
        N('Sqrt', ['den'], ['rden']), N('Div', ['one', 'rden'], ['c_in']), N('Div', ['sd2', 'den'], ['c_skip']),
        N('Mul', ['s4', 'sd'], ['ssd']), N('Div', ['ssd', 'rden'], ['c_out']),
        N('Log', ['sigma'], ['lns']), N('Mul', ['lns', 'quarter'], ['c_noise']),
        # noise embedding: [N] -> [N,1] -> Gemm -> sin/cos -> Gemm -> [N,width,1,1]
        N('Unsqueeze', ['c_noise', 'ax1'], ['cn2']), N('Gemm', ['cn2', 'emb_w1', 'emb_b1'], ['e1']),
        N('Sin', ['e1'], ['es']), N('Cos', ['e1'], ['ec']), N('Concat', ['es', 'ec'], ['e2'], axis=1),
        N('Gemm', ['e2', 'emb_w2', 'emb_b2'], ['e3']), N('Unsqueeze', ['e3', 'ax23'], ['emb']),
        # F(c_in x, c_noise)
        N('Mul', ['x', 'c_in'], ['xin']), N('Conv', ['xin', 'c1_w', 'c1_b'], ['h1'], pads=[1, 1, 1, 1]),
        N('Add', ['h1', 'emb'], ['h2']),
        # torch GroupNorm(2) export: Reshape to [N, 2, -1] with a Shape->Gather->Unsqueeze->Concat chain
        N('Shape', ['h2'], ['hs']), N('Gather', ['hs', 'zero'], ['hn'], axis=0), N('Unsqueeze', ['hn', 'ax0'], ['hn1']),
        N('Concat', ['hn1', 'two', 'minus1'], ['gshape'], axis=0), N('Reshape', ['h2', 'gshape'], ['hg']),
        N('InstanceNormalization', ['hg', 'gn_s', 'gn_b'], ['hgn'], epsilon=1e-5),
        N('Reshape', ['hgn', 'hs'], ['h3']), N('Mul', ['h3', 'gn_gamma'], ['h4']), N('Add', ['h4', 'gn_beta'], ['h5']),
        N('Sigmoid', ['h5'], ['h5s']), N('Mul', ['h5', 'h5s'], ['h6']),  # SiLU
        N('Conv', ['h6', 'c2_w', 'c2_b'], ['d1'], pads=[1, 1, 1, 1], strides=[2, 2]),
        N('Sigmoid', ['d1'], ['d1s']), N('Mul', ['d1', 'd1s'], ['d2']),
        N('Resize', ['d2', '', 'scales'], ['u1'], mode='nearest', coordinate_transformation_mode='asymmetric',
          nearest_mode='floor'),
        N('Concat', ['u1', 'h6'], ['cat'], axis=1), N('Conv', ['cat', 'c3_w', 'c3_b'], ['F'], pads=[1, 1, 1, 1]),
        # D = c_skip x + c_out F
        N('Mul', ['x', 'c_skip'], ['skip']), N('Mul', ['F', 'c_out'], ['fo']), N('Add', ['skip', 'fo'], ['denoised']),
    ]
    inits['ax0'] = i64([0])
    graph = helper.make_graph(
        nodes, 'tiny_edm_denoiser',
        [helper.make_tensor_value_info('x', F, ['N', ch, 'H', 'W']), helper.make_tensor_value_info('sigma', F, ['N'])],
        [helper.make_tensor_value_info('denoised', F, ['N', ch, 'H', 'W'])],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='make-op-graphs')
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def bad_models():
    """Models that checkModel must reject with a clear report (not in the manifest)."""
    xs = helper.make_tensor_value_info('x', F, ['N', 3, 4, 4])
    ss = helper.make_tensor_value_info('sigma', F, ['N'])
    out = helper.make_tensor_value_info('y', F, ['N', 3, 4, 4])
    # unsupported ops, listed by name and node
    g = helper.make_graph([N('Einsum', ['x', 'x'], ['e'], equation='nchw,nchw->nchw', name='my_einsum'),
                           N('FusedConv', ['e'], ['f'], domain='com.microsoft', name='ms_fused'),
                           N('Resize', ['f', '', 'sc'], ['g'], mode='cubic', name='cubic_resize'),
                           N('Mul', ['g', 'sigma'], ['y'])], 'bad_ops', [xs, ss], [out],
                          [numpy_helper.from_array(np.array([1, 1, 1, 1], np.float32), 'sc')])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17), helper.make_opsetid('com.microsoft', 1)])
    m.ir_version = 8
    onnx.save(m, os.path.join(OUT, 'invalid_unsupported_ops.onnx'))
    # wrong interface: one input, two outputs
    g = helper.make_graph([N('Relu', ['x'], ['y']), N('Neg', ['x'], ['z'])], 'bad_io', [xs],
                          [out, helper.make_tensor_value_info('z', F, ['N', 3, 4, 4])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)])
    m.ir_version = 8
    onnx.save(m, os.path.join(OUT, 'invalid_io.onnx'))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    edm_denoiser(os.path.join(OUT, 'tiny_edm_denoiser.onnx'))
    bad_models()
    with open(os.path.join(OUT, 'manifest.json'), 'w') as fh:
        json.dump({'generator': 'scripts/make-op-graphs.py', 'fixtures': manifest}, fh, indent=1)
    print(f'wrote {len(manifest)} op graphs + tiny_edm_denoiser.onnx to {os.path.normpath(OUT)}')
