/**
 * Parts of the bundle loaded on first use: ncc emits each dynamic import as a chunk beside
 * dist/index.js (dist/NNN.index.js), which a run that never needs it does not read, compile or
 * evaluate. A chunk that cannot be loaded (a dist/ copied without it) stops the run with a GateError
 * that says what is missing and what to do, like any other failure: nothing is ever priced or
 * reported as "within budget" without it.
 */
import { describeError, GateError } from './errors.js'

/** A loader for a part of the bundle that is loaded once, on the first call. */
export interface Lazy<T> {
  /** The loaded part; rejects with a GateError when it cannot be loaded (a later call tries again). */
  (): Promise<T>
  /** Starts loading now, so that the load overlaps other work; a failure is reported by the next call. */
  prefetch(): void
}

/** A `Lazy` for `what` (named in the error, e.g. "the glob matcher"), loaded by `load` (a dynamic import). */
export function lazily<T>(what: string, load: () => Promise<T>): Lazy<T> {
  let loading: Promise<T> | undefined
  const get = (): Promise<T> =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined
      throw new GateError(
        `${what} could not be loaded (${describeError(error)}): a chunk of the bundle (dist/) is missing; use a released tag of the action, or rebuild dist/ with \`npm run package\``,
      )
    }))
  // The prefetch's own failure is dropped here: it is not unhandled, and the next call reports it.
  return Object.assign(get, { prefetch: () => void get().catch(() => undefined) })
}
