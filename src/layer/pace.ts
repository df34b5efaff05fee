/**
 * The run's one pace towards Layer (SPEC section 10), pure: the clock is injected and nothing here
 * sleeps. The client reserves a start time before each attempt and reports each answer back.
 *
 * The model is Layer's likely limiter, a token bucket (a rate r and a burst b), estimated from the
 * answers rather than guessed:
 * - Until the first 429 nothing is paced (only `concurrency` bounds the requests).
 * - A 429 that asks to wait (Retry-After, or RateLimit-Reset) pauses EVERY request until then. The
 *   429s of requests that were already in flight belong to the same pause and do not count twice.
 * - Each stretch between pauses starts with a full bucket and ends when it runs dry, so the answers
 *   Layer accepted in it obey A = b + r × T. The first stretch gives one such equation (and a first
 *   guess for the burst); the second gives r and b; later ones refine r with b known.
 * - After a pause, once the burst is measured, it is sent at once (the bucket refilled during the
 *   pause), then requests are spaced at the pace. Before r is known the pace starts at A1 / max(T1, wait) and
 *   doubles every 90 ms ("probe"); once r is known it runs at 95 % of r and ramps up by 1 % of it
 *   per second ("steady"), so it finds the rate again if Layer raises it, without a 429 every few
 *   seconds. Measured with the simulator's bucket (25 requests/s, burst 5, Retry-After 1, see the
 *   README's benchmark): faster ramps pay a second or more of pause for each overshoot, slower ones
 *   leave the bucket idle.
 * - The pauses add up against `maxWaitMs` over the run; a pause that would pass it ends the run's
 *   pace ("exhausted") and every later reservation is refused, so the run fails closed quickly.
 */

/** Doubling time of the pace while probing for Layer's rate. */
const PROBE_DOUBLING_MS = 90
/** Share of the estimated rate the steady pace starts at. */
const STEADY_SHARE = 0.95
/** The steady pace grows by this share of the estimate per second. */
const STEADY_RAMP_PER_S = 0.01
/** A pace never goes below one request in 10 s nor above 1,000 a second. */
const MIN_RATE_PER_MS = 1 / 10_000
const MAX_RATE_PER_MS = 1
/** A stretch shorter than this is too short to measure a rate on. */
const MIN_STRETCH_MS = 200
/** A pause lasts at least this long, so "Retry-After: 0" or a date in the past cannot turn into a hammering loop. */
export const MIN_PAUSE_MS = 500
/** The send rate at a refusal is measured over this window before it. */
const RECENT_MS = 500

/** When an attempt may start. */
export interface Slot {
  /** Wait before starting, in milliseconds (0: now). */
  waitMs: number
  /** The start time reserved (clock ms). */
  startsAt: number
  /** Which pause the slot was reserved under: a later pause makes it stale (see `isCurrent`). */
  readonly pauseId: number
}

/** A new pause of every request, for the log. */
export interface PauseInfo {
  /** How long every request waits from now, in milliseconds. */
  delayMs: number
  /** What Layer asked, e.g. "429 Too Many Requests, Retry-After: 1". */
  asked: string
  /** Paused time of the run so far, this pause included. */
  waitedMs: number
  /** The pace afterwards, in requests per second (undefined: not paced yet). */
  ratePerSecond: number
}

/** The pace's answer to a rate-limited attempt. */
export type LimitedOutcome =
  | { kind: 'retry'; slot: Slot; pause?: PauseInfo }
  /** The wait would pass `maxWaitMs`: the run stops asking. */
  | { kind: 'exhausted'; waitedMs: number; askedMs: number }

/** Settings of a pace. */
export interface PaceOptions {
  /** Longest total pause over the run (Infinity: unbounded). */
  maxWaitMs: number
  now: () => number
}

type Phase = 'free' | 'probe' | 'steady'

/** One run's pace towards Layer; see the file's comment for the model. */
export class Pace {
  private readonly now: () => number
  private readonly maxWaitMs: number
  private phase: Phase = 'free'
  private pauseId = 0
  private pauseStart = 0
  private pauseEnd = 0
  private waitedMs = 0
  private exhaustedAfter: number | undefined
  /** Start of the current stretch (first reservation, then each pause's end). */
  private stretchStart: number | undefined
  private acceptedInStretch = 0
  private firstStretch: { accepted: number; ms: number } | undefined
  private burst: number | undefined
  private burstLeft = 0
  /** Requests per ms at the stretch start, and the estimate it derives from (steady). */
  private baseRate = 0
  private estimate = 0
  private nextSlot = 0
  /** Start times of recent attempts, oldest first (for the send rate at a refusal). */
  private starts: number[] = []

  constructor(options: PaceOptions) {
    this.now = options.now
    this.maxWaitMs = options.maxWaitMs
  }

  /** Paused time of the run so far, in milliseconds. */
  get waited(): number {
    return this.waitedMs
  }

  /** True once a pause would have passed `maxWaitMs`: every later attempt is refused. */
  get exhausted(): boolean {
    return this.exhaustedAfter !== undefined
  }

  /** The current pace in requests per second; undefined while nothing is paced. */
  get ratePerSecond(): number | undefined {
    return this.phase === 'free' ? undefined : this.rateAt(Math.max(this.now(), this.pauseEnd)) * 1000
  }

  /** Reserves the start of the next attempt (`now`: the clock reading the caller already took). */
  reserve(now = this.now()): Slot {
    this.stretchStart ??= now
    const start = Math.max(now, this.pauseEnd)
    if (this.phase === 'free') return { waitMs: start - now, startsAt: start, pauseId: this.pauseId }
    const slot = Math.max(start, this.nextSlot)
    if (this.burstLeft > 0) this.burstLeft--
    else this.nextSlot = slot + 1 / this.rateAt(slot)
    return { waitMs: slot - now, startsAt: slot, pauseId: this.pauseId }
  }

  /** The next start without reserving it. */
  private peek(now: number): Slot {
    const slot = Math.max(now, this.pauseEnd, this.phase === 'free' ? 0 : this.nextSlot)
    return { waitMs: slot - now, startsAt: slot, pauseId: this.pauseId }
  }

  /** False when a pause began after `slot` was reserved: reserve again before starting. */
  isCurrent(slot: Slot): boolean {
    return slot.pauseId === this.pauseId || slot.startsAt >= this.pauseEnd
  }

  /** Layer accepted (answered other than 429) an attempt that started at `startedAt`. */
  accepted(startedAt: number): void {
    this.started(startedAt)
    if (this.stretchStart !== undefined && startedAt >= this.stretchStart) this.acceptedInStretch++
  }

  /**
   * Layer refused an attempt started at `startedAt` and asked to wait `askedMs` (`asked` says how,
   * for the log). Returns the retry's slot (and the pause, when this answer starts one), or
   * 'exhausted' when waiting would pass `maxWaitMs`. `retry` false (an accepted answer that said
   * nothing is left): the pause only, no slot taken for a retry.
   */
  limited(startedAt: number, askedMs: number, asked: string, retry = true): LimitedOutcome {
    const now = this.now()
    this.started(startedAt)
    if (this.exhaustedAfter !== undefined) return { kind: 'exhausted', waitedMs: this.waitedMs, askedMs }
    const until = now + Math.max(MIN_PAUSE_MS, askedMs)
    const samePause = this.pauseId > 0 && startedAt < this.pauseEnd
    const added = Math.max(0, until - Math.max(now, this.pauseEnd))
    if (this.waitedMs + added > this.maxWaitMs) {
      this.exhaustedAfter = now
      return { kind: 'exhausted', waitedMs: this.waitedMs, askedMs }
    }
    this.waitedMs += added
    if (samePause) {
      if (until > this.pauseEnd) {
        this.pauseEnd = until
        this.stretchStart = until
        this.nextSlot = Math.max(this.nextSlot, until)
      }
      return { kind: 'retry', slot: retry ? this.reserve(now) : this.peek(now) }
    }
    this.learn(Math.max(0, startedAt - (this.stretchStart ?? startedAt)), Math.max(askedMs, 1), startedAt)
    this.pauseId++
    this.pauseStart = now
    this.pauseEnd = until
    this.stretchStart = until
    this.acceptedInStretch = 0
    // The burst is only spent once it is measured (steady): the first stretch's count may include a long run of refills.
    this.burstLeft = this.phase === 'steady' ? Math.max(0, Math.round(this.burst ?? 1) - 1) : 0
    this.nextSlot = until
    const slot = retry ? this.reserve(now) : this.peek(now)
    return {
      kind: 'retry',
      slot,
      pause: { delayMs: until - now, asked, waitedMs: this.waitedMs, ratePerSecond: this.rateAt(until) * 1000 },
    }
  }

  /** Fits the bucket on the stretch that just ran dry (`ms` long, refused at `startedAt`) and sets the next pace. */
  private learn(ms: number, askedMs: number, startedAt: number): void {
    const accepted = this.acceptedInStretch
    const first = this.firstStretch
    if (first === undefined) {
      // One equation for two unknowns: take all it accepted as the burst, and a pace that refills it in the wait.
      this.firstStretch = { accepted, ms }
      this.burst = Math.max(1, accepted)
      this.probe(Math.max(1, accepted) / Math.max(ms, askedMs))
      return
    }
    // How fast attempts really started just before the refusal (the pace may be ahead of `concurrency`).
    const window = Math.max(50, Math.min(RECENT_MS, ms))
    const sent = this.startedSince(startedAt - window) / window
    if (ms < MIN_STRETCH_MS) {
      // Refused almost at once: Layer's rate dropped, or the pace was far too high. Halve and probe.
      this.probe(Math.min(this.rateAt(startedAt), sent) / 2)
      return
    }
    // Steady: the pace had just passed Layer's rate, so take it (or the real send rate when
    // `concurrency` kept it lower). Probing: the send rate, unless two stretches give a fit.
    let rate = this.phase === 'steady' ? Math.min(sent, this.rateAt(startedAt)) : sent
    if (this.phase === 'probe' && Math.abs(ms - first.ms) >= MIN_STRETCH_MS) {
      // Two stretches from a full bucket: A1 = b + r·T1 and A2 = b + r·T2.
      const fitted = (accepted - first.accepted) / (ms - first.ms)
      if (fitted > 0) {
        rate = fitted
        this.burst = Math.min(Math.max(1, first.accepted - fitted * first.ms), Math.max(1, first.accepted, accepted))
      }
    }
    this.estimate = clampRate(rate)
    this.phase = 'steady'
    this.baseRate = clampRate(rate * STEADY_SHARE)
  }

  private started(at: number): void {
    this.starts.push(at)
    if (this.starts.length > 256) this.starts.splice(0, 128)
  }

  private startedSince(time: number): number {
    return this.starts.filter((at) => at >= time).length
  }

  private probe(ratePerMs: number): void {
    this.phase = 'probe'
    this.baseRate = clampRate(ratePerMs)
  }

  /** The pace (requests per ms) at clock time `time`, growing from the last pause's end. */
  private rateAt(time: number): number {
    const since = Math.max(0, time - this.pauseEnd)
    if (this.phase === 'probe') return clampRate(this.baseRate * 2 ** (since / PROBE_DOUBLING_MS))
    return clampRate(this.baseRate + this.estimate * STEADY_RAMP_PER_S * (since / 1000))
  }
}

function clampRate(ratePerMs: number): number {
  return Math.min(MAX_RATE_PER_MS, Math.max(MIN_RATE_PER_MS, Number.isFinite(ratePerMs) ? ratePerMs : MIN_RATE_PER_MS))
}

/** One log line for a pause: when and why every request waits, e.g. for the CLI's progress and the action's log. */
export function describePause(pause: PauseInfo): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
  return `Layer's rate limit (${pause.asked}): every request to Layer waits ${seconds(pause.delayMs)} (${seconds(pause.waitedMs)} waited in all), then ${pause.ratePerSecond.toFixed(1)} requests/s`
}
