// The measured workloads as the compute worker knows them: what the verdict is keyed by (Workload) and the
// recipe the measuring worker builds one step from (workloadSteps.ts).
import type { Workload } from './backendChoice'
import type { WorkloadRecipe } from './workloadSteps'
import { modelBytes, modelHash } from './onnxModels'
import type { ManifoldConfig } from '../core/em/presets'

export interface WorkloadSpec {
  workload: Workload
  recipe(): Promise<WorkloadRecipe>
}

export const startupWorkload: WorkloadSpec = {
  workload: { kind: 'general', label: 'the start-up check' },
  recipe: async () => ({ kind: 'general' }),
}

export async function unetWorkload(label: string, url: string, shape: [number, number, number], batch: number): Promise<WorkloadSpec> {
  return {
    workload: { kind: 'unet', label, modelHash: await modelHash(url), shape, batch },
    recipe: async () => ({ kind: 'unet', shape, batch, bytes: await modelBytes(url) }),
  }
}

export function mlpWorkload(c: ManifoldConfig): WorkloadSpec {
  return {
    workload: { kind: 'mlp', label: `the manifold MLP (3×${c.hidden})`, hidden: c.hidden, trainBatch: c.train.batch, chunk: c.estep.chunk },
    recipe: async () => ({ kind: 'mlp', config: c }),
  }
}
