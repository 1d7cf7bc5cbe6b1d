// Bring your own ONNX denoiser: check (inputs, outputs, ops), parity against onnxruntime-web, gradient
// check of the tfjs VJP; a model that passes can be added and then used in the studio.
import { useState, type ChangeEvent } from 'react'
import { computeWorker } from '../../workers/client'
import { GRADCHECK_LIMIT, PARITY_LIMIT, type ByoCheckResult } from '../../workers/byoApi'
import { useModelRegistry, type ModelEntry } from '../../app/modelRegistry'

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

function CheckSummary({ r }: { r: ByoCheckResult }) {
  return (
    <table className="table" data-testid="byo-report">
      <tbody>
        <tr><th>verdict</th><td className={r.ok ? '' : 'bad'} data-testid="byo-verdict">{r.ok ? 'usable: passed every check' : 'not usable'}</td></tr>
        {r.errors.map((e) => <tr key={e}><th>problem</th><td className="bad">{e}</td></tr>)}
        {r.unsupported.length > 0 && <tr><th>unsupported ops</th><td data-testid="byo-unsupported">{r.unsupported.join('; ')}</td></tr>}
        {r.shape && <tr><th>runs at</th><td>{r.shape.join(' × ')}</td></tr>}
        {r.parityMaxAbs !== undefined && <tr><th>parity vs onnxruntime-web</th><td>max |Δ| = {r.parityMaxAbs.toExponential(2)} (limit {r.parityLimit ?? PARITY_LIMIT}, tfjs {r.backend ?? '?'})</td></tr>}
        {r.gradcheckRel !== undefined && <tr><th>gradient check</th><td>relative error {r.gradcheckRel.toExponential(2)} (limit {GRADCHECK_LIMIT})</td></tr>}
        {r.msForwardTfjs !== undefined && <tr><th>time</th><td>forward {r.msForwardOrt?.toFixed(1)} ms (onnxruntime-web) / {r.msForwardTfjs.toFixed(1)} ms (tfjs); VJP {r.msVjpTfjs?.toFixed(1)} ms</td></tr>}
        {r.ops && <tr><th>ops</th><td className="hint">{Object.entries(r.ops).map(([k, v]) => `${k}×${v}`).join(', ')}</td></tr>}
      </tbody>
    </table>
  )
}

export function UserModelCard({ m }: { m: ModelEntry }) {
  const remove = useModelRegistry((s) => s.removeUser)
  if (!m.user) return null
  return (
    <article className="panel model-card" data-testid={`card-${m.id}`}>
      <h3>{m.id} <span className="hint">your model ({m.user.name}, {(m.user.bytes / 1e6).toFixed(2)} MB, added {new Date(m.user.addedAt).toLocaleString()}{m.user.stored ? '' : '; this tab only, not stored'})</span></h3>
      <CheckSummary r={m.user.check} />
      <button type="button" onClick={() => void remove(m.id)}>Remove this model</button>
    </article>
  )
}

export function ByoPanel() {
  const [file, setFile] = useState<{ name: string; bytes: Uint8Array }>()
  const [shape, setShape] = useState<[number, number, number]>([3, 32, 32])
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<ByoCheckResult>()
  const [message, setMessage] = useState<string>()
  const addUser = useModelRegistry((s) => s.addUser)
  const onFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const f = e.target.files?.[0]
    e.target.value = ''
    if (!f) return
    if (f.size > 200e6) {
      setMessage(`${f.name} is ${(f.size / 1e6).toFixed(0)} MB; the limit is 200 MB.`)
      return
    }
    setResult(undefined)
    setMessage(undefined)
    setFile({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })
  }
  const check = async (): Promise<void> => {
    if (!file) return
    setBusy(true)
    setResult(undefined)
    try {
      // a copy: the worker gets its own bytes, ours stay for "add"
      setResult(await computeWorker().checkOnnx(file.bytes.slice(), shape))
    } catch (e) {
      setMessage(`The check could not run: ${errText(e)}`)
    } finally {
      setBusy(false)
    }
  }
  const add = async (): Promise<void> => {
    if (!file || !result) return
    try {
      const { id, problem } = await addUser(file.name, file.bytes, result)
      setMessage(`Added as "${id}": pick it in the studio's model list.${problem ? ` ${problem}` : ''}`)
    } catch (e) {
      setMessage(`Could not add the model: ${errText(e)}`)
    }
  }
  const dim = (i: number) => (e: ChangeEvent<HTMLInputElement>) => {
    const v = Math.max(1, Math.min(512, Math.round(Number(e.target.value) || 1)))
    setShape((s) => s.map((d, k) => (k === i ? v : d)) as [number, number, number])
  }
  return (
    <div className="panel">
      <h3>Bring your own denoiser (ONNX)</h3>
      <p className="hint">
        Inputs <code>x</code> [N, C, H, W] in [−2, 2] and <code>sigma</code> [N], one output of x&apos;s shape (E[x | x_t], preconditioning inside).
        The graph is executed op by op in tfjs for exact Jacobian products, after a parity check against onnxruntime-web and a gradient check.
      </p>
      <label className="file">ONNX file <input type="file" accept=".onnx" onChange={(e) => void onFile(e)} data-testid="byo-file" /></label>{' '}
      <label>C <input type="number" value={shape[0]} onChange={dim(0)} style={{ width: '3.5rem' }} /></label>{' '}
      <label>H <input type="number" value={shape[1]} onChange={dim(1)} style={{ width: '4rem' }} /></label>{' '}
      <label>W <input type="number" value={shape[2]} onChange={dim(2)} style={{ width: '4rem' }} /></label>{' '}
      <button type="button" onClick={() => void check()} disabled={!file || busy} data-testid="byo-check">Check {file ? file.name : ''}</button>{' '}
      {result?.ok && <button type="button" onClick={() => void add()} data-testid="byo-add">Add to the studio</button>}
      {busy && <p className="hint">checking… (parse, parity and gradient check)</p>}
      {message && <p className="notice" role="status" data-testid="byo-message">{message}</p>}
      {result && <CheckSummary r={result} />}
    </div>
  )
}
