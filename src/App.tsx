import { useEffect, type ReactElement } from 'react'
import { PAGES, usePage, type PageId } from './app/routes'
import { useCompute } from './app/computeStore'
import { BackendBadge } from './components/BackendBadge'
import { Notices } from './components/Notices'
import { DiagnosticsPage } from './features/diagnostics/DiagnosticsPage'
import { StudioPage } from './features/studio/StudioPage'
import { ManifoldPage } from './features/manifold/ManifoldPage'
import { ImageEmPage } from './features/imageEm/ImageEmPage'
import { ToyPage } from './features/toy/ToyPage'
import { ModelsPage } from './features/models/ModelsPage'
import { PcsPage } from './features/pcs/PcsPage'

const pages: Record<PageId, () => ReactElement> = {
  studio: StudioPage,
  manifold: ManifoldPage,
  'image-em': ImageEmPage,
  toy: ToyPage,
  models: ModelsPage,
  pcs: PcsPage,
  diagnostics: DiagnosticsPage,
}

export function App() {
  const page = usePage()
  const init = useCompute((s) => s.init)
  useEffect(() => {
    void init()
  }, [init])
  const Page = pages[page]
  return (
    <div className="app">
      <header>
        <h1>Tweedie Playground</h1>
        <nav>
          {PAGES.map((p) => (
            <a key={p.id} href={`#/${p.id}${''}`} className={p.id === page ? 'active' : ''} data-testid={`nav-${p.id}`}>
              {p.title}
            </a>
          ))}
        </nav>
        <BackendBadge />
      </header>
      <Notices />
      <main>
        <Page />
      </main>
    </div>
  )
}
