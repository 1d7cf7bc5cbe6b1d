/** A page that is not built yet says so plainly and lists what it will do. */
export function PlannedPage({ title, issue, plans }: { title: string; issue: number; plans: string[] }) {
  return (
    <section className="planned" data-testid="planned-page">
      <h2>{title}</h2>
      <p className="planned-note">
        <strong>Not built yet</strong> (tracked in issue {issue}). Nothing on this page computes anything today. When it
        lands, it will:
      </p>
      <ul>
        {plans.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </section>
  )
}
