// Worker-side singletons shared by the feature modules: tfjs (browser backends registered) and the job registry.
// cancel(jobId) in the shell API cancels any feature's job registered here.
import { tf } from '../engines/tfjs/registerBrowser'
import { JobRegistry } from './jobs'

export { tf }
export const jobs = new JobRegistry(tf)

let markReady: () => void = () => {}
/** Resolves once init() has chosen a tfjs backend; feature APIs await it before touching tensors. */
export const backendReady = new Promise<void>((resolve) => {
  markReady = resolve
})
export const setBackendReady = (): void => markReady()
