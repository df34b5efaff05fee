/**
 * What the pace (pace.ts) believes of Layer's bucket, a rate r and a burst b, and how each
 * stretch between two pauses that ran dry updates it: pure functions of the stretch's attempts.
 *
 * - Each stretch between pauses starts with at most a full bucket and ends when it runs dry, so for
 *   any window [s, refusal) of it Layer accepted at most b + r × (refusal − s) requests, and about
 *   that many from the last moment the bucket was full. The rate is the best of these fits over the
 *   accepted starts (windows from a slow start, while the bucket sat full, fit low and lose), and
 *   of what got through since the previous refusal, when the bucket was empty (for a pause too
 *   short to refill it). The first stretch gives the burst (all it accepted, measured when it was
 *   too short for refills); else two stretches give it.
 * - A stretch's answers come in any order (measured on a loaded machine: accepted answers after the
 *   429 that ended it), so the fit is redone for each late one until the pause ends; a refit makes
 *   the slots reserved before it stale. Counting only the answers before the 429 took a burst of 5
 *   for 1, then fitted 30 instead of 25 requests/s and paused 20 times (3.6 × the bound in the
 *   tests' harness with 5 ms of jitter).
 * - Before r is known the pace starts at A1 / max(T1, wait) and doubles every 90 ms ("probe"); the
 *   gap between two starts is where the growing pace adds up to one request. The probe first sends
 *   all of the burst but one at the pause's end: from an emptied bucket its slow start banks the
 *   refills instead of losing them to a full bucket, and the window fit counts from a known level.
 *   In the tests' harness the fit after the probe erred by 1.4 % (25.3 for 25/s) instead of 6 %
 *   (23.4). On this 2-core machine the steady pace that followed ran at 23.9–24.9/s (counted at
 *   the simulator over 10 runs), where the previous probe fitted 22–31 and often led to a
 *   third or fourth pause. What is left is the fit's rounding: the bucket held somewhere between
 *   0 and 1 token at the refusal, so over a probe of about 0.4 s the fit is 25 ± 1.3/s.
 * - Once r is known, after each pause what the bucket refilled (the burst, or r × the pause) but a
 *   token is sent at once, then requests run at 95 % of r, ramping up by 1 % of it per second
 *   ("steady"; bounded by the pace at the next refusal, which had just passed Layer's rate).
 *   Measured with the tests' harness (25 requests/s, burst 5, Retry-After 1, 200 requests): 1.21 ×
 *   the bound, where keeping the burst made 1.30 ×, a ramp of 2 or 3 %/s overshot into a third
 *   pause (1.33 ×) and so did 97 % (1.33 ×). A pause costs the run about Retry-After − b / r, so
 *   the two pauses (the first is unavoidable, the second finds the rate) are about 1.2 × the bound
 *   on their own.
 */

/** Doubling time of the pace while probing for Layer's rate. */
export const PROBE_DOUBLING_MS = 90
/** Share of the estimated rate the steady pace starts at. */
const STEADY_SHARE = 0.95
/** The steady pace grows by this share of the estimate per second. */
export const STEADY_RAMP_PER_S = 0.01
/** A pace never goes below one request in 10 s nor above 1,000 a second. */
const MIN_RATE_PER_MS = 1 / 10_000
export const MAX_RATE_PER_MS = 1
/** A stretch shorter than this is too short to measure a rate on. */
const MIN_STRETCH_MS = 200
/** The shortest window a rate is fitted on (a shorter one is mostly rounding: one request in 100 ms is 10/s). */
const MIN_WINDOW_MS = 100

export type Phase = 'free' | 'probe' | 'steady'

/** What the pace believes of Layer's bucket (see the file's comment); `learn` makes the next one. */
export interface Model {
  readonly phase: Phase
  /** The first stretch: accepted, its length, and how long its answers took to arrive (`spreadMs`). */
  readonly first?: { readonly accepted: number; readonly ms: number; readonly spreadMs: number }
  readonly burst?: number
  /** True once the burst is measured: the first stretch was too short for refills, or two stretches gave a fit. */
  readonly burstKnown: boolean
  /** True once the first stretch's burst is corrected for the tokens refilled while it reached Layer. */
  readonly burstRefined: boolean
  /** Requests per ms at the stretch start, and the estimate it derives from (steady). */
  readonly baseRate: number
  readonly estimate: number
}

/** A stretch between two pauses that ran dry, as `learn` reads it. */
export interface Stretch {
  /** Start times of the attempts Layer accepted in it (unsorted: answers, late ones too, come in any order). */
  readonly accepted: number[]
  /** Its start: the first reservation of the run, or the end of the pause before it. */
  readonly start: number
  /** Start of the attempt whose refusal ended it, and of the one that began the pause before it (the bucket was empty then). */
  readonly refusedAt: number
  readonly previousRefusal: number
  readonly askedMs: number
  /** The pace when the refused attempt started, and the send rate just before it (both per ms). */
  readonly paceAtRefusal: number
  readonly sentRate: number
  /** Attempts sent at once at its start (what the pause refilled, as believed). */
  burstSent: number
  /** When its first and last accepted answers came (how long its burst took to reach Layer). */
  firstAnswerAt: number | undefined
  lastAnswerAt: number | undefined
}

/** The model before any 429: nothing paced. */
export const FREE: Model = { phase: 'free', burstKnown: false, burstRefined: false, baseRate: 0, estimate: 0 }

/** A stretch starting at `start`, after a pause begun by a refusal of an attempt started at `previousRefusal`. */
export function newStretch(start: number, previousRefusal: number): Stretch {
  return {
    accepted: [],
    start,
    refusedAt: start,
    previousRefusal,
    askedMs: 1,
    paceAtRefusal: 0,
    sentRate: 0,
    burstSent: 0,
    firstAnswerAt: undefined,
    lastAnswerAt: undefined,
  }
}

/**
 * How many attempts go at once when a pause ends, from a bucket the pause refilled. Steady: what
 * it refilled (the burst, or the rate × the pause) but a token, a margin for a fit a little high
 * (harness, 15 ms of jitter: 1.257 × the bound instead of 1.298). Probing, all of the burst but
 * one (the first stretch's count may hold a refill): the probe then starts from an emptied
 * bucket, so it banks what its slow start does not send instead of losing it to a full bucket,
 * and the fit counts from a known level.
 */
export function burstAfterPause(model: Model, pauseMs: number): number {
  if (!model.burstKnown || model.burst === undefined) return 0
  if (model.phase === 'steady') return Math.floor(Math.min(model.burst, model.estimate * pauseMs) - 1)
  if (model.phase === 'probe') return Math.max(1, Math.ceil(model.burst) - 1)
  return 0
}

/** The model after the stretch `s` ran dry, from the one before it (`prior`): a pure function, redone as late answers arrive. */
export function learn(prior: Model, s: Stretch): Model {
  const starts = s.accepted.filter((at) => at <= s.refusedAt).sort((a, b) => a - b)
  const accepted = starts.length
  const ms = Math.max(0, s.refusedAt - s.start)
  const first = prior.first
  if (first === undefined) {
    // One equation for two unknowns: take all it accepted as the burst, and a pace that refills it in the wait.
    const spreadMs = Math.max(0, (s.lastAnswerAt ?? 0) - (s.firstAnswerAt ?? s.lastAnswerAt ?? 0))
    const burst = Math.max(1, accepted)
    return probe({ ...prior, first: { accepted, ms, spreadMs }, burst, burstKnown: ms < MIN_STRETCH_MS }, burst / Math.max(ms, s.askedMs))
  }
  if (accepted < s.burstSent) {
    if (prior.phase === 'steady') {
      // One of the burst sent at the pause's end was refused: the burst is smaller than measured
      // (the first stretch reached Layer over a refill), not the rate. Keep the rate.
      return {
        ...prior,
        burst: Math.max(1, Math.min(accepted, (prior.burst ?? 1) - 1)),
        baseRate: clampRate(prior.estimate * STEADY_SHARE),
      }
    }
    // Probing: the pause did not refill the bucket. What it let through is what it refilled since the refusal before.
    const rate = clampRate((accepted + 0.5) / Math.max(1, s.refusedAt - s.previousRefusal))
    return { ...prior, phase: 'steady', estimate: rate, baseRate: clampRate(rate * STEADY_SHARE) }
  }
  if (ms < MIN_STRETCH_MS) {
    // Refused almost at once: Layer's rate dropped, or the pace was far too high. Halve and probe.
    return probe(prior, Math.min(s.paceAtRefusal, s.sentRate) / 2)
  }
  let { burst, burstKnown, burstRefined } = prior
  if (!burstKnown && Math.abs(ms - first.ms) >= MIN_STRETCH_MS) {
    // Two stretches from a full bucket: A1 = b + r·T1 and A2 = b + r·T2.
    const fitted = (accepted - first.accepted) / (ms - first.ms)
    if (fitted > 0) {
      burst = Math.min(Math.max(1, first.accepted - fitted * first.ms), Math.max(1, first.accepted, accepted))
      burstKnown = true
    }
  }
  // Also from the refusal that began the last pause, when the bucket was empty: what it let
  // through since is what it refilled (this one counts when the pause did not refill it whole).
  const fit = (b: number): number => Math.max(windowFit(starts, s.refusedAt, b), accepted / Math.max(1, s.refusedAt - s.previousRefusal))
  let rate = fit(burst ?? 1)
  if (burstKnown && !burstRefined && burst !== undefined) {
    // The first stretch's requests reached Layer over `spreadMs`, in which the bucket refilled
    // (measured: 6 accepted of a burst of 5 on a loaded machine): counting those as burst would
    // send one too many after each pause, and fit the rate low.
    burstRefined = true
    burst = Math.max(1, Math.min(burst, first.accepted - rate * first.spreadMs))
    rate = fit(burst)
  }
  // Steady: the pace had just passed Layer's rate, so the rate is at most the pace at the refusal.
  if (prior.phase === 'steady') rate = Math.min(rate, s.paceAtRefusal)
  return { ...prior, phase: 'steady', burst, burstKnown, burstRefined, estimate: clampRate(rate), baseRate: clampRate(rate * STEADY_SHARE) }
}

function probe(model: Model, ratePerMs: number): Model {
  return { ...model, phase: 'probe', baseRate: clampRate(ratePerMs) }
}

/**
 * Layer's rate (per ms) from the attempts it accepted in a stretch (`starts`, sorted) that ran dry at
 * `refusedAt`, with at most `burst` tokens in the bucket: for any window [s, refusedAt) the bucket
 * let through at most burst + r × (refusedAt − s), with equality (give or take the token it lacked
 * at the refusal, hence + 0.5) from the last moment it was full. So the largest of these fits over
 * windows of at least MIN_WINDOW_MS is the rate: windows that start while the bucket sat full (the
 * pace below Layer's rate) fit low and lose. 0 when no window is long enough.
 */
function windowFit(starts: readonly number[], refusedAt: number, burst: number): number {
  let best = 0
  for (let i = starts.length - 1; i >= 0; i--) {
    const span = refusedAt - starts[i]!
    if (span < MIN_WINDOW_MS) continue
    best = Math.max(best, (starts.length - i - burst + 0.5) / span)
  }
  return best
}

/** A pace (requests per ms) within MIN_RATE_PER_MS and MAX_RATE_PER_MS; a NaN or infinite one is the least. */
export function clampRate(ratePerMs: number): number {
  return Math.min(MAX_RATE_PER_MS, Math.max(MIN_RATE_PER_MS, Number.isFinite(ratePerMs) ? ratePerMs : MIN_RATE_PER_MS))
}
