// One line per method: what it approximates (docs: algorithms.md §3), with its paper. Shown under each row.
import type { MethodName } from '../../core/posterior/method'

export const METHOD_NOTES: Record<MethodName, { approximates: string; paper: string }> = {
  dps: {
    approximates: 'p(y | x_t) ≈ p(y | E[x | x_t]): ignores Cov[x | x_t] and takes a fixed gradient step ζ∇‖y − A x̂‖ on x_t (σ_y unused).',
    paper: 'Chung et al., Diffusion Posterior Sampling, ICLR 2023',
  },
  pigdm: {
    approximates: 'Cov[x | x_t] ≈ σ_t²/(1 + σ_t²) I, an isotropic guess; solves (σ_y² I + σ_t²/(1+σ_t²) A Aᵀ) u = y − A x̂.',
    paper: 'Song et al., Pseudoinverse-Guided Diffusion Models, ICLR 2023',
  },
  tmpd: {
    approximates: 'Cov[x | x_t] ≈ diag(σ_t² Jᵀ1), the Jacobian\'s row sums (one extra VJP per step).',
    paper: 'Boys et al., Tweedie Moment Projected Diffusions, TMLR 2024',
  },
  diffpir: {
    approximates: 'a proximal data step around x̂ with weight λ σ_y² / σ̄_t² (λ = 8); no network gradient at all.',
    paper: 'Zhu et al., Denoising Diffusion Models for Plug-and-Play Image Restoration, CVPRW 2023',
  },
  mmps: {
    approximates: 'Cov[x | x_t] = σ_t² J, Tweedie\'s covariance itself, through k conjugate-gradient (or GMRES) VJPs per step.',
    paper: 'Rozet et al., Learning Diffusion Priors from Observations by Expectation Maximization, NeurIPS 2024',
  },
}

/** Why DPS looks washed out at few steps (measured: docs/results.md, 10 vs 100 steps). */
export const DPS_STEPS_NOTE =
  'Why DPS needs many steps: its correction is one fixed-size gradient step per step (ζ = 0.5, tuned for 1000 steps) that never solves for the observation, so with few steps the observed pixels are barely enforced and the result is washed out. On 16 CIFAR-10 test images (random inpainting) it gains 4.4 dB from 10 to 100 steps (13.78 → 18.13 dB), where MMPS needs no more than 10 (docs/results.md).'

export const METHOD_COLOURS = ['#d1495b', '#00798c', '#edae49', '#66a182', '#6f4ca5', '#2e4057', '#8d96a3', '#b5651d']
