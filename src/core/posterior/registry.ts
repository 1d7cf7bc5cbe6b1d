// One line per method. Adding a method: one file implementing PosteriorMethod, one line here.
import type { Tensor } from '@tensorflow/tfjs-core'
import type { Cost } from '../types'
import type { PosteriorDenoiserFn } from '../diffusion/sampler'
import { costDelta } from '../denoisers/cost'
import type { MethodName, MethodOptions, PosteriorMethod, PosteriorProblem } from './method'
import { dps } from './dps'
import { pigdm } from './pigdm'
import { tmpd } from './tmpd'
import { diffpir } from './diffpir'
import { mmps } from './mmps'

export const methods: Record<MethodName, PosteriorMethod> = {
  dps,
  pigdm,
  tmpd,
  diffpir,
  mmps,
}

export function isMethodName(s: string): s is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, s)
}

export interface PosteriorDenoiser {
  readonly fn: PosteriorDenoiserFn
  /** Network work spent by this posterior denoiser so far (forward passes, VJPs) and its number of calls. */
  cost(): Cost & { calls: number }
}

/** Binds a method to a problem: the function the sampler calls, plus its cost counters. */
export function posteriorDenoiser(name: MethodName, problem: PosteriorProblem, opts: MethodOptions = {}): PosteriorDenoiser {
  const method = methods[name]
  const total = { forward: 0, vjp: 0, calls: 0 }
  const fn: PosteriorDenoiserFn = (x: Tensor, ctx) => {
    const before = { ...problem.denoiser.cost } // a snapshot: some denoisers expose a live counter object
    const out = method.guided(problem, x, ctx, opts)
    const d = costDelta(problem.denoiser.cost, before)
    total.forward += d.forward; total.vjp += d.vjp; total.calls++
    return out
  }
  return { fn, cost: () => ({ ...total }) }
}

export type { MethodName, MethodOptions, PosteriorMethod, PosteriorProblem } from './method'
