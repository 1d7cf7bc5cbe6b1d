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
  /** Which demo images suit the model (public/demo/<kind>/); absent: by its shape (demoKindOf). */
  demo_kind?: DemoKind
}

/** Demo image sets: 32×32 RGB photos, 64×64 grey MRI slices, 28×28 grey held-out MNIST digits. */
export type DemoKind = 'cifar' | 'mri' | 'digits'

/** The demo set for a model that does not name one: grey 28×28 → digits, other grey → MRI, colour → photos. */
export function demoKindOf([c, h, w]: readonly [number, number, number]): DemoKind {
  if (c !== 1) return 'cifar'
  return h === 28 && w === 28 ? 'digits' : 'mri'
}

export interface ShippedModel {
  id: string
  card: ModelCard
  onnxUrl: string
  samplesUrl?: string
  /** Demo images for this model's input kind (public/demo/<kind>/), never from training data. */
  demoKind: DemoKind
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
    return { id, card, onnxUrl, samplesUrl, demoKind: card.demo_kind ?? demoKindOf([card.input.channels, card.input.height, card.input.width]) } as ShippedModel
  })
  .filter((m): m is ShippedModel => m !== undefined)
  .sort((a, b) => a.id.localeCompare(b.id))

/** public/demo/digits/<name>.png: digit class and index among the package's 10,000 (demo_digits.py). */
export const DIGIT_DEMOS = ['three-3293', 'eight-8652', 'two-2266', 'five-5404'] as const

export const DEMO_IMAGES: Record<ShippedModel['demoKind'], string[]> = {
  cifar: ['astronaut', 'chelsea', 'coffee', 'rocket'].map((n) => `demo/cifar/${n}.png`),
  mri: ['colin27-z045mm', 'colin27-z065mm', 'colin27-z085mm', 'colin27-z105mm'].map((n) => `demo/mri/${n}.png`),
  // held-out digits of the Image EM lab's split (never trained on by models/mnist-unet); models/mnist-unet/demo_digits.py
  digits: DIGIT_DEMOS.map((n) => `demo/digits/${n}.png`),
}
