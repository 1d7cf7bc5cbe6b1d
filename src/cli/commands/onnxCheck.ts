// `npm run cli -- onnx-check model.onnx --size 16 --channels 3`: can this ONNX denoiser run in the differentiable
// engine (src/engines/onnx/diff)? Prints ONE JSON object: unsupported ops, parity of tfjs vs onnxruntime-node over
// several σ, relative error of the exact VJP vs central finite differences, and timings.
// Exit 0 when everything passes (parity ≤ 1e-4, gradcheck ≤ 1e-2), 1 when a check fails or ops are unsupported,
// 2 (one line on stderr) for user errors: missing/corrupt file, wrong inputs/outputs, bad flags.
import { readFileSync } from 'node:fs'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import * as tf from '@tensorflow/tfjs-core'
import { CliError, intFlag, parseCommandLine, positiveListFlag, type Command } from '../command'
import { checkModel, OnnxDenoiser, OnnxGraph, type ReferenceRun, validateDenoiser } from '../../engines/onnx/diff'

const PARITY_TOL = 1e-4
const GRAD_TOL = 1e-2

const posInt = (name: string, v: string | undefined): number | undefined => (v === undefined ? undefined : intFlag(name, v, 0, 1))
const USAGE = 'usage: onnx-check model.onnx [--size 16] [--channels 3] [--batch 2] [--backend wasm|cpu] [--sigmas 0.02,0.2,1,5,40] [--seed 1]'

export async function ortReference(bytes: Uint8Array): Promise<{ run: ReferenceRun; release: () => Promise<void> }> {
  const ort = await import('onnxruntime-node')
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 })
  const out = session.outputNames[0] ?? ''
  return {
    run: async (feeds) => {
      const f: Record<string, InstanceType<typeof ort.Tensor>> = {}
      for (const [k, v] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', v.data, [...v.shape])
      const r = await session.run(f)
      const t = r[out]
      if (!t) throw new Error(`onnxruntime produced no output ${out}`)
      return Float32Array.from(t.data as Float32Array)
    },
    release: () => session.release(),
  }
}

const command: Command = {
  summary: 'check an ONNX denoiser for the differentiable engine: ops, parity vs onnxruntime, VJP gradcheck, timings',
  usage: [
    USAGE,
    '  model.onnx  inputs x [N, C, H, W] and sigma [N], one output shaped like x (required)',
    "  --size      H = W to test at, ≥ 1 (default: the model's own, else 16)",
    "  --channels  C, ≥ 1 (default: the model's own, else 3)",
    '  --batch     N, ≥ 1 (default 2)',
    '  --backend   tfjs backend in Node: wasm or cpu (default wasm)',
    '  --sigmas    noise levels of the parity check, comma-separated positive numbers (default 0.02,0.2,1,5,40)',
    '  --seed      seed of the test inputs, ≥ 1 (default 1)',
    'Exit 0 when every check passes, 1 when one fails, 2 for bad input.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseCommandLine(args, ['size', 'channels', 'batch', 'backend', 'sigmas', 'seed'], [], true)
    if (positionals.length !== 1) throw new CliError(USAGE)
    const path = positionals[0] as string
    let bytes: Uint8Array
    try {
      bytes = new Uint8Array(readFileSync(path))
    } catch (e) {
      throw new CliError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`)
    }
    const backend = values.backend ?? 'wasm'
    if (backend !== 'wasm' && backend !== 'cpu') throw new CliError(`--backend must be wasm or cpu in Node, got "${backend}"`)
    const sigmas = positiveListFlag('sigmas', values.sigmas, [0.02, 0.2, 1, 5, 40])
    const batch = posInt('batch', values.batch) ?? 2
    const seed = posInt('seed', values.seed) ?? 1

    const report = checkModel(bytes)
    if (report.corrupt) throw new CliError(`${path}: ${report.errors.join('; ')}`)
    const unsupported = report.unsupported.map((u) => ({ op: u.domain ? `${u.domain}.${u.op}` : u.op, node: u.node, ...(u.reason ? { reason: u.reason } : {}) }))
    if (unsupported.length > 0) {
      process.stdout.write(JSON.stringify({ unsupported, parity_max_abs: null, gradcheck_rel: null, ms_forward_ort: null, ms_forward_tfjs: null, ms_vjp_tfjs: null, ok: false }) + '\n')
      process.exitCode = 1
      return
    }
    if (!report.ok || !report.io || !report.model) throw new CliError(`${path}: ${report.errors.join('; ')}`)
    const [, dc, dh, dw] = report.io.xShape
    const size = posInt('size', values.size)
    const channels = posInt('channels', values.channels)
    const pick = (flag: string, given: number | undefined, declared: unknown, fallback: number): number => {
      if (typeof declared === 'number') {
        if (given !== undefined && given !== declared) throw new CliError(`--${flag} ${given} does not match the model's x input [${report.io?.xShape.join(',')}]`)
        return declared
      }
      return given ?? fallback
    }
    const sampleShape = [pick('channels', channels, dc, 3), pick('size', size, dh, 16), pick('size', size, dw, 16)]

    tf.env().set('IS_TEST', true) // no "running TensorFlow.js in Node" banner on stdout
    if (!(await tf.setBackend(backend))) throw new CliError(`the tfjs ${backend} backend failed to initialise`)
    await tf.ready()
    const denoiser = new OnnxDenoiser(new OnnxGraph(report.model), report.io, { sampleShape, name: path })
    const ref = await ortReference(bytes)
    try {
      const res = await validateDenoiser(denoiser, ref.run, { batch, sigmas, seed, directions: 3, reps: 5 })
      const ok = res.parity_max_abs <= PARITY_TOL && res.gradcheck_rel <= GRAD_TOL
      const round = (v: number): number => Number(v.toPrecision(3))
      process.stdout.write(JSON.stringify({
        unsupported,
        parity_max_abs: res.parity_max_abs,
        gradcheck_rel: res.gradcheck_rel,
        ms_forward_ort: round(res.ms_forward_ref),
        ms_forward_tfjs: round(res.ms_forward_tfjs),
        ms_vjp_tfjs: round(res.ms_vjp_tfjs),
        ok,
        backend,
        sample_shape: sampleShape,
        batch,
        opset: report.opset,
        per_sigma: res.per_sigma,
      }) + '\n')
      if (!ok) process.exitCode = 1
    } catch (e) {
      throw new CliError(`${path}: ${e instanceof Error ? e.message : String(e)}`)
    } finally {
      denoiser.dispose()
      await ref.release()
    }
  },
}
export default command
