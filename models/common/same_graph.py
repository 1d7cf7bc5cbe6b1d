"""Do two denoiser.onnx files run the same computation apart from the weight values? (Same nodes in the same
order with the same attributes, same initializer names/shapes/dtypes, same inputs/outputs.) Then the browser's
forward and VJP cost is the same for both, op for op.

  /usr/bin/python3 models/common/same_graph.py OLD.onnx NEW.onnx
"""
import sys

import onnx
from onnx import numpy_helper


def signature(path):
    m = onnx.load(path)
    g = m.graph
    init = {i.name for i in g.initializer}
    nodes = []
    for n in g.node:
        attrs = []
        for a in n.attribute:
            if a.type == onnx.AttributeProto.TENSOR:  # Constant nodes: shape/dtype only (values may be weights)
                t = numpy_helper.to_array(a.t)
                attrs.append((a.name, t.shape, str(t.dtype)))
            else:
                attrs.append((a.name, onnx.helper.get_attribute_value(a)))
        nodes.append((n.op_type, len(n.input), len(n.output), repr(attrs),
                      tuple(i in init for i in n.input)))
    inits = sorted((i.name, tuple(i.dims), i.data_type) for i in g.initializer)
    io = [(v.name, str(v.type)) for v in list(g.input) + list(g.output)]
    opset = [(o.domain, o.version) for o in m.opset_import]
    return nodes, inits, io, opset


def main():
    a, b = sys.argv[1:3]
    sa, sb = signature(a), signature(b)
    names = ("nodes", "initializers", "inputs/outputs", "opset")
    diff = [n for n, x, y in zip(names, sa, sb) if x != y]
    n_params = sum(int(__import__("numpy").prod(d)) for _, d, _ in sa[1])
    print(f"{len(sa[0])} vs {len(sb[0])} nodes, {len(sa[1])} vs {len(sb[1])} initializers ({n_params:,} values in A)")
    if diff:
        print("DIFFERENT:", ", ".join(diff))
        sys.exit(1)
    print("same graph (nodes, attributes, initializer shapes, inputs/outputs, opset); only weight values differ")


if __name__ == "__main__":
    main()
