import { PlannedPage } from '../../components/PlannedPage'

export function ManifoldPage() {
  return (
    <PlannedPage
      title="Manifold lab"
      issue={4}
      plans={[
        'generate a 1-D manifold in R⁵ and noisy 2×5 random projections of it (σ_y = 0.01);',
        'run DiEM live: a Gaussian prior fitted by moments, then laps of training an MLP denoiser (M-step) and MMPS posterior sampling (E-step);',
        'show a corner plot of the learned prior against the truth over laps, with Sinkhorn and sliced-Wasserstein curves, and keep every lap in IndexedDB.',
      ]}
    />
  )
}
