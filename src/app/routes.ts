// Pages and hash routing (#/studio …): the page survives reload and the query string stays free for state.
import { useSyncExternalStore } from 'react'

export const PAGES = [
  { id: 'studio', title: 'Inverse-problem studio' },
  { id: 'manifold', title: 'Manifold lab' },
  { id: 'image-em', title: 'Image EM lab' },
  { id: 'toy', title: 'Analytic toy' },
  { id: 'models', title: 'Models' },
  { id: 'pcs', title: 'Posterior PCs' },
  { id: 'diagnostics', title: 'Diagnostics' },
] as const
export type PageId = (typeof PAGES)[number]['id']

function current(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '')
  return (PAGES.find((p) => p.id === id)?.id ?? 'studio') as PageId
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb)
  return () => window.removeEventListener('hashchange', cb)
}

export function usePage(): PageId {
  return useSyncExternalStore(subscribe, current)
}
