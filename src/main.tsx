// first: repairs a malformed query string before any library (tfjs) parses it
import './app/urlRepair'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)

// Test and debugging hooks (read-only views of the worker; no tensor work happens here).
import { computeWorker } from './workers/client'
Object.assign(window, {
  __tweedie: {
    memory: () => computeWorker().memory(),
    loseGpuDevice: () => computeWorker().loseGpuDevice(),
  },
})
