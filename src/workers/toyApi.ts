// The analytic toy's part of the worker API (types only; implemented in ./toyWorker). algorithms.md §6.
import type { Progress } from './jobs'
import type { HelixConfig, HelixResult, ToyExperimentConfig, ToyExperimentResult, ToyRow } from '../core/toy/experiment'

export type { HelixConfig, HelixResult, ToyExperimentConfig, ToyExperimentResult, ToyRow }

export interface ToyApi {
  /**
   * The §6.1 grid (seeds × σ_t × heuristics). Finished rows are also streamed through onRows, in batches
   * (at most a few per second, all of them before the promise resolves); progress is throttled likewise.
   */
  runToy(
    jobId: string,
    config: ToyExperimentConfig,
    onProgress: (p: Progress) => void,
    onRows: (rows: ToyRow[]) => void,
  ): Promise<ToyExperimentResult>
  /** The §6.2 helix illustration at one σ_t. */
  runHelix(jobId: string, config: HelixConfig, onProgress: (p: Progress) => void): Promise<HelixResult>
}
