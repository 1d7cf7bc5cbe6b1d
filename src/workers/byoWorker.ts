// Worker side of bring-your-own: checkModel (structure, ops) → tfjs graph → parity vs onnxruntime-web and
// a VJP gradient check (validateDenoiser). Nothing here throws for a bad file: every problem is reported.
import { backendReady, tf } from './runtime'
import { GRADCHECK_LIMIT, PARITY_LIMIT, PARITY_LIMIT_GPU, type ByoApi } from './byoApi'
import { checkModel, createOnnxDenoiser, validateDenoiser } from '../engines/onnx/diff'
import { describeUnsupported } from '../engines/onnx/diff/graph'
import { createSession, ort } from '../engines/onnx/ortWeb'
import { ortExclusive } from './onnxModels'
import { onCurrentBackend } from './backendService'

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export const byoApi: ByoApi = {
  async checkOnnx(bytes, shape) {
    await backendReady
    // the check runs on one backend from start to end: it holds the current one
    return onCurrentBackend('model check', () => checkOnnx(bytes, shape))
  },
}

async function checkOnnx(bytes: Uint8Array, shape: [number, number, number] | undefined): ReturnType<ByoApi['checkOnnx']> {
  {
    const report = checkModel(bytes)
    const unsupported = report.unsupported.map(describeUnsupported)
    if (!report.ok || !report.io) return { ok: false, errors: [...report.errors], unsupported, ops: { ...report.ops } }
    const declared = report.io.xShape.slice(1)
    const dims = declared.map((d, i) => (typeof d === 'number' ? d : shape?.[i]))
    if (dims.some((d) => d === undefined || !(d > 0))) {
      return { ok: false, errors: [`The model declares x as [${report.io.xShape.map((d) => d ?? '?').join(', ')}]; give the channels and size to run it at.`], unsupported, ops: { ...report.ops } }
    }
    const sampleShape = dims as [number, number, number]
    if (shape && declared.some((d, i) => typeof d === 'number' && d !== shape[i])) {
      return { ok: false, errors: [`The model's input is fixed at [${declared.join(', ')}], not [${shape.join(', ')}].`], unsupported, ops: { ...report.ops } }
    }
    let den
    try {
      den = createOnnxDenoiser(bytes, { name: 'uploaded', sampleShape })
    } catch (e) {
      return { ok: false, errors: [errText(e)], unsupported, ops: { ...report.ops } }
    }
    try {
      const session = await createSession(bytes, 'wasm')
      const io = report.io
      const v = await validateDenoiser(den, async (feeds) => {
        const inputs: Record<string, InstanceType<typeof ort.Tensor>> = {}
        for (const [name, f] of Object.entries(feeds)) inputs[name] = new ort.Tensor('float32', f.data, [...f.shape])
        const out = await ortExclusive(() => session.run(inputs))
        const y = out[io.output]
        if (!y) throw new Error(`onnxruntime-web returned no output "${io.output}"`)
        const data = (await y.getData()) as Float32Array
        y.dispose()
        return data
      }, { batch: 1, sigmas: [0.05, 0.5, 5], directions: 2, reps: 2 })
      await session.release()
      const errors: string[] = []
      const backend = tf.getBackend()
      const parityLimit = backend === 'webgl' || backend === 'webgpu' ? PARITY_LIMIT_GPU : PARITY_LIMIT
      if (!(v.parity_max_abs <= parityLimit)) errors.push(`tfjs (${backend}) and onnxruntime-web disagree: max |Δ| = ${v.parity_max_abs.toExponential(2)} > ${parityLimit}`)
      if (!(v.gradcheck_rel <= GRADCHECK_LIMIT)) errors.push(`the VJP fails the gradient check: relative error ${v.gradcheck_rel.toExponential(2)} > ${GRADCHECK_LIMIT}`)
      return {
        ok: errors.length === 0, errors, unsupported, shape: sampleShape, ops: { ...report.ops },
        parityMaxAbs: v.parity_max_abs, parityLimit, backend, gradcheckRel: v.gradcheck_rel, msForwardOrt: v.ms_forward_ref, msForwardTfjs: v.ms_forward_tfjs, msVjpTfjs: v.ms_vjp_tfjs,
      }
    } catch (e) {
      return { ok: false, errors: [`Running the model failed: ${errText(e)}`], unsupported, shape: sampleShape, ops: { ...report.ops } }
    } finally {
      den.dispose()
    }
  }
}
