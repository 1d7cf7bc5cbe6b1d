import { PlannedPage } from '../../components/PlannedPage'

export function ToyPage() {
  return (
    <PlannedPage
      title="Analytic toy"
      issue={4}
      plans={[
        'build a Gaussian-mixture prior on a smooth curve in R³ and a 1×3 observation;',
        'compare the exact Tweedie covariance with (Σ_x⁻¹ + Σ_t⁻¹)⁻¹, Σ_t and 0 by the Sinkhorn divergence of p(x_t | y) over σ_t (the paper’s Fig. 2);',
        'draw the helix illustration: the true posterior against each approximation at a chosen σ_t.',
      ]}
    />
  )
}
