// Worker-side singletons shared by the feature modules: tfjs (browser backends registered) and the job registry.
// cancel(jobId) in the shell API cancels any feature's job registered here.
import { tf } from '../engines/tfjs/registerBrowser'
import { JobRegistry } from './jobs'

export { tf }
export const jobs = new JobRegistry(tf)
