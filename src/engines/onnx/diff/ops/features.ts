// Static checks of op features the registry does not implement (found before running, listed with the node).
import type { HostTensor, ModelIR, NodeIR } from '../model'

const str = (n: NodeIR, k: string, def: string): string => {
  const v = n.attrs.get(k)
  return typeof v === 'string' ? v : def
}
const int = (n: NodeIR, k: string, def: number): number => {
  const v = n.attrs.get(k)
  return typeof v === 'number' ? v : def
}

/** A reason this node cannot run, or null. Only what is knowable statically (attributes, constant weights). */
export function unsupportedFeature(n: NodeIR, model: ModelIR): string | null {
  const init = (i: number): HostTensor | undefined => model.initializers.get(n.inputs[i] ?? '')
  switch (n.opType) {
    case 'Conv':
    case 'ConvTranspose': {
      const w = init(1)
      const ks = n.attrs.get('kernel_shape')
      const rank = w ? w.shape.length - 2 : Array.isArray(ks) ? ks.length : 2
      if (rank !== 1 && rank !== 2) return `${rank}-D convolution (only 1-D and 2-D)`
      return null
    }
    case 'Resize':
    case 'Upsample': {
      const mode = str(n, 'mode', 'nearest')
      if (!['nearest', 'linear', 'bilinear'].includes(mode)) return `mode=${mode} (nearest and linear only)`
      if (int(n, 'antialias', 0) === 1) return 'antialias=1'
      const ct = str(n, 'coordinate_transformation_mode', 'half_pixel')
      if (!['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn'].includes(ct)) return `coordinate_transformation_mode=${ct}`
      return null
    }
    case 'Pad': {
      const mode = str(n, 'mode', 'constant')
      return ['constant', 'reflect', 'edge', 'wrap'].includes(mode) ? null : `mode=${mode}`
    }
    case 'BatchNormalization':
      return int(n, 'training_mode', 0) === 1 ? 'training_mode=1' : null
    case 'MaxPool':
    case 'AveragePool':
      if (int(n, 'ceil_mode', 0) === 1) return 'ceil_mode=1'
      if (n.opType === 'MaxPool' && n.outputs.length > 1 && n.outputs[1]) return 'Indices output'
      return null
    case 'Cast':
      return int(n, 'to', 1) === 8 ? 'cast to STRING' : null
    default:
      return null
  }
}
