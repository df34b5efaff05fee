import type { Problem } from './problem.js'

/**
 * An error the user can act on. `run()` turns it into `::error` lines (one per problem, with
 * file/line/col when known) and fails the step with `message`; it never prints a stack trace.
 */
export class GateError extends Error {
  constructor(
    message: string,
    /** Located problems shown as annotations; may be empty. */
    readonly problems: Problem[] = [],
  ) {
    super(message)
    this.name = 'GateError'
  }
}

/** An input of the action (or a CLI flag) has an invalid value. */
export class ConfigError extends GateError {
  override name = 'ConfigError'
}

/** One or more manifests are invalid (or could not be read); `problems` holds every one. */
export class ManifestError extends GateError {
  override name = 'ManifestError'
}

/** A message for any thrown value, without a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message
  // An Error from another realm (a vm context) fails instanceof but still has its message.
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : String(error)
}
