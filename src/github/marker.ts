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

/**
 * The hidden marker that starts every comment of this gate: `<!-- layer-budget-gate key=… run=… attempt=… sha=… -->`,
 * and, when the run priced its total, the commitment line after it (see `commitmentLine`).
 */
export function commentMarker(key: string, run: CommentRun, commitment?: Commitment): string {
  const line = `<!-- ${MARKER_NAME} key=${escapeField(key)} run=${run.id} attempt=${run.attempt} sha=${escapeField(run.sha)} -->`
  return commitment === undefined ? line : `${line}\n${commitmentLine(commitment)}`
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

/**
 * What a pull request commits of the workspace's balance (SPEC section 8), as its gate comment
 * records it. All money in micro-CU (integers).
 */
export interface Commitment {
  workspaceId: string
  /** This pull request's total at its head commit. */
  total: number
  /** Its positive change against its base (a pull request that saves CU commits 0, never less). */
  change: number
  /** ISO time the figures were priced. */
  at: string
}

/** A commitment read back from a comment: the figures, and the head commit they were priced at (the marker's). */
export interface RecordedCommitment extends Commitment {
  sha: string
}

/**
 * Why the commitment is a second HTML comment with JSON, not more `key=value` fields on the marker
 * line: the marker line stays byte for byte what version 1 wrote and parses (MARKER_PATTERN is
 * anchored on ` -->` after `sha=`), so a workflow still pinned to an older version of the action
 * keeps finding, updating and de-duplicating comments this version wrote; and JSON lets a later
 * version add fields that this one ignores, while `v` says when a field's meaning changed.
 */
export const COMMITMENT_VERSION = 1
const COMMITMENT_PREFIX = `<!-- ${MARKER_NAME}:commitment `
/** The commitment line, anchored at the start of the text after the marker line. */
export const COMMITMENT_PATTERN = new RegExp(`^${COMMITMENT_PREFIX}(\\{[^\\n]{0,2000}\\}) -->`)

/** The commitment line: `<!-- layer-budget-gate:commitment {"v":1,"ws":…,"total":…,"change":…,"at":…} -->`. */
export function commitmentLine(commitment: Commitment): string {
  const record = {
    v: COMMITMENT_VERSION,
    ws: commitment.workspaceId,
    total: Math.max(0, commitment.total),
    change: Math.max(0, commitment.change),
    at: commitment.at,
  }
  // No ">" (or "<", "&") in the JSON: it could close the HTML comment, and a workspace id is text.
  const json = JSON.stringify(record).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `${COMMITMENT_PREFIX}${json} -->`
}

/** A commitment read from a comment, or why none was (for a debug line: a comment is never a reason to stop). */
export type CommitmentParse = { commitment: RecordedCommitment } | { ignored: string }

/**
 * The commitment a gate comment records on the line after its marker. A comment without one (an
 * older version's, or a run that could not price) records none; a line that does not parse, an
 * unknown version, or figures that are not whole, non-negative micro-CU are ignored, never guessed.
 */
export function parseCommitment(body: string): CommitmentParse {
  const marker = MARKER_PATTERN.exec(body)
  if (!marker) return { ignored: 'the comment has no marker' }
  const rest = body.slice(marker[0].length).replace(/^\r?\n/, '')
  if (!rest.startsWith(COMMITMENT_PREFIX)) return { ignored: 'the comment records no commitment (an older version, or nothing was priced)' }
  const m = COMMITMENT_PATTERN.exec(rest)
  if (!m) return { ignored: 'its commitment line is not closed on its line' }
  let record: unknown
  try {
    record = JSON.parse(m[1] ?? '')
  } catch {
    return { ignored: 'its commitment is not JSON' }
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { ignored: 'its commitment is not a JSON object' }
  const { v, ws, total, change, at } = record as Record<string, unknown>
  if (v !== COMMITMENT_VERSION) return { ignored: `its commitment has version ${JSON.stringify(v)}, which this version does not read` }
  if (typeof ws !== 'string' || ws === '') return { ignored: 'its commitment names no workspace' }
  const whole = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
  if (!whole(total) || !whole(change)) return { ignored: 'its commitment is not whole, non-negative micro-CU' }
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return { ignored: 'its commitment has no valid time' }
  return { commitment: { workspaceId: ws, total, change, at, sha: unescapeField(marker[4] ?? '') } }
}

/**
 * Whether a comment already records this commitment (the same workspace and figures; the time may
 * differ): a run with nothing new to say leaves the comment alone only then, so a comment that
 * records none, or other figures, is rewritten and the other pull requests read what is true now.
 */
export function recordsSameCommitment(body: string, commitment: Commitment | undefined): boolean {
  const parsed = parseCommitment(body)
  if (!('commitment' in parsed)) return commitment === undefined
  const stored = parsed.commitment
  return (
    commitment !== undefined &&
    stored.workspaceId === commitment.workspaceId &&
    stored.total === Math.max(0, commitment.total) &&
    stored.change === Math.max(0, commitment.change)
  )
}
