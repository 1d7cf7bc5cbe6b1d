import { PlannedPage } from '../../components/PlannedPage'

export function ModelsPage() {
  return (
    <PlannedPage
      title="Models"
      issue={5}
      plans={[
        'list the shipped CIFAR-10 and MRI ONNX denoisers with their model cards (data, compute, measured denoising gains);',
        'run a live denoising demo (pick σ, see x_t and D(x_t, σ)) and draw unconditional samples in the worker with progress;',
        'accept your own .onnx denoiser, check it, and offer it to the studio (issue 7).',
      ]}
    />
  )
}
