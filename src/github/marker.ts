/**
 * The hidden marker that starts every comment of the gate: which `comment-key` it belongs to, and
 * which run (id, attempt) wrote it at which head commit, so that an older run never overwrites a
 * newer one and racing runs agree on which comment stays.
 */

/** The workflow run writing the comment: the marker records it so that an older run never overwrites a newer one. */
export interface CommentRun {
  id: number
  attempt: number
  /** Head commit SHA of the pull request. */
  sha: string
}

/** What the hidden marker at the top of a comment says. */
export interface Marker {
  /** The `comment-key`, decoded. */
  key: string
  run: number
  attempt: number
  sha: string
}

const MARKER_NAME = 'layer-budget-gate'
/** The marker line, anchored at the start of a body. */
export const MARKER_PATTERN = new RegExp(
  `^<!-- ${MARKER_NAME} key=([A-Za-z0-9_.~%-]*) run=(\\d+) attempt=(\\d+) sha=([A-Za-z0-9_.~%-]*) -->`,
)

/**
 * Percent-encodes everything but [A-Za-z0-9_.~-], so a key cannot contain ">" (it cannot close the
 * HTML comment), whitespace (it cannot split the marker's fields) or anything Markdown would render.
 */
export function escapeField(value: string): string {
  return value.replace(/[^A-Za-z0-9_.~-]/gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )
}

function unescapeField(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** The hidden marker line that starts every comment of this gate: `<!-- layer-budget-gate key=… run=… attempt=… sha=… -->`. */
export function commentMarker(key: string, run: CommentRun): string {
  return `<!-- ${MARKER_NAME} key=${escapeField(key)} run=${run.id} attempt=${run.attempt} sha=${escapeField(run.sha)} -->`
}

/** The marker at the very start of a comment body, or undefined when the comment is not this gate's. */
export function parseMarker(body: string): Marker | undefined {
  const m = MARKER_PATTERN.exec(body)
  if (!m) return undefined
  return { key: unescapeField(m[1] ?? ''), run: Number(m[2]), attempt: Number(m[3]), sha: unescapeField(m[4] ?? '') }
}

/** Whether the marker was written by a run newer than `run` (higher run id, or the same run's later attempt). */
export function isNewerRun(marker: Pick<Marker, 'run' | 'attempt'>, run: CommentRun): boolean {
  return marker.run > run.id || (marker.run === run.id && marker.attempt > run.attempt)
}

/**
 * Of several comments of one key, the one that stays when runs raced: the newest run's (run id,
 * then attempt); between comments of the same run and attempt, the one GitHub numbered last.
 * Every racing run picks the same one, so they never delete each other's keeper.
 */
export function keeperOf<T extends { id: number; marker: Pick<Marker, 'run' | 'attempt'> }>(comments: readonly T[]): T | undefined {
  let keeper: T | undefined
  for (const c of comments) {
    const newer =
      keeper === undefined ||
      isNewerRun(c.marker, { id: keeper.marker.run, attempt: keeper.marker.attempt, sha: '' }) ||
      (c.marker.run === keeper.marker.run && c.marker.attempt === keeper.marker.attempt && c.id > keeper.id)
    if (newer) keeper = c
  }
  return keeper
}
