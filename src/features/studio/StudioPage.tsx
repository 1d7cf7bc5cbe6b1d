import { PlannedPage } from '../../components/PlannedPage'

export function StudioPage() {
  return (
    <PlannedPage
      title="Inverse-problem studio"
      issue={6}
      plans={[
        'let you pick a model (CIFAR-10, MRI or your own ONNX), an image and a corruption: random or box inpainting, motion blur, ×2/×4 super-resolution, MRI k-space undersampling, with σ_y;',
        'run DPS, ΠGDM, TMPD, DiffPIR and MMPS side by side on the same observation and seed, showing x_t and the Tweedie estimate E[x | x_t, y] as they form;',
        'report PSNR, SSIM, consistency, forward passes, VJPs and wall time per method, with PNG and JSON downloads and the run configuration in the URL.',
      ]}
    />
  )
}
