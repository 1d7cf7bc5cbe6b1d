import type { ReactNode } from 'react'

/**
 * A wide table or grid that scrolls sideways inside its own box on a narrow screen, instead of the page.
 * Focusable and named, so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="scroll-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  )
}
