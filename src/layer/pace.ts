/**
 * The run's one pace towards Layer (SPEC section 10), pure: the clock is injected and nothing here
 * sleeps. The client reserves a start time before each attempt and reports each answer back.
 *
 * The model is Layer's likely limiter, a token bucket (a rate r and a burst b), estimated from the
 * answers rather than guessed (pace-fit.ts fits it on each stretch between two pauses):
 * - Until the first 429 nothing is paced (only `concurrency` bounds the requests).
 * - A 429 that asks to wait (Retry-After, or RateLimit-Reset) pauses EVERY request until then. The
 *   429s of requests that were already in flight belong to the same pause and do not count twice.
 * - The stretch that ran dry is fitted at its 429, and again for each accepted answer of it that
 *   comes later, until the pause ends; each (re)fit makes the slots reserved before it stale, so
 *   every request starts at the pace of the latest fit.
 * - Told how many requests the run sends (`expect`, `finished`), the steady pace stops ramping near
 *   the run's end (see HOLD_HORIZON): a refusal for the last few requests costs a whole pause.
 * - The pauses add up against `maxWaitMs` over the run; a pause that would pass it ends the run's
 *   pace ("exhausted") and every later reservation is refused, so the run fails closed quickly.
 */
import {
  FREE,
  MAX_RATE_PER_MS,
  PROBE_DOUBLING_MS,
  STEADY_RAMP_PER_S,
  burstAfterPause,
  clampRate,
  learn,
  newStretch,
  type Model,
  type Stretch,
} from './pace-fit.js'

/** A pause lasts at least this long, so "Retry-After: 0" or a date in the past cannot turn into a hammering loop. */
export const MIN_PAUSE_MS = 500
/**
 * The steady pace stops ramping once the requests left would take less than this many of the last
 * pause's waits at the current pace: the ramp could gain them less than the refusal it risks costs
 * (a pause, about Retry-After - b / r). In the tests' harness (25/s, burst 5, 200 requests, 20
 * jittered runs) a third pause came in 9 runs of 20 without the hold, in 6 with 2 waits, in 1 with
 * 3 and in none with 4, the median unchanged (1.220 against 1.222).
 */
const HOLD_HORIZON = 4
/** Accepted start times kept per stretch (a bound on memory; the newest are the ones a fit needs). */
const MAX_ACCEPTED_KEPT = 2048
/** The send rate at a refusal is measured over this window before it. */
const RECENT_MS = 500

/** When an attempt may start. */
export interface Slot {
  /** Wait before starting, in milliseconds (0: now). */
  waitMs: number
  /** The start time reserved (clock ms). */
  startsAt: number
  /** The pace's state the slot was reserved under: a later pause, or a refit during one, makes it stale (see `isCurrent`). */
  readonly epoch: number
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
  /** True while the pace is still being found (the probe, which speeds up until Layer refuses), false once it is fitted. */
  probing: boolean
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

/** One run's pace towards Layer; see the file's comment for the model. */
export class Pace {
  private readonly now: () => number
  private readonly maxWaitMs: number
  private model: Model = FREE
  private pauses = 0
  private epoch = 0
  private pauseEnd = 0
  private waitedMs = 0
  private exhaustedAfter: number | undefined
  /** The current stretch (from the first reservation, then from each pause's end). */
  private stretch: Stretch | undefined
  /** The stretch that ended at the last pause and the model before it: refitted as late answers come in, until the pause ends. */
  private settling: { prior: Model; stretch: Stretch } | undefined
  /** Start of the attempt whose refusal began the last pause (the bucket was empty then). */
  private refusedAt = 0
  /** The wait the last pause's 429 asked for. */
  private askedMs = MIN_PAUSE_MS
  private burstLeft = 0
  private nextSlot = 0
  /** Start times of recent attempts, oldest first (for the send rate at a refusal). */
  private starts: number[] = []
  /** Requests the run announced (`expect`) and those that ended (`finished`): what is left to send. */
  private planned = 0
  private ended = 0
  /** The steady pace stops ramping at this rate (per ms) once what is left is too little to be worth a pause. */
  private rampCap = Infinity

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
    return this.model.phase === 'free' ? undefined : this.rateAt(Math.max(this.now(), this.pauseEnd)) * 1000
  }

  /** The run will send `requests` more requests through this pace (the pace ramps less near the run's end). */
  expect(requests: number): void {
    this.planned += requests
    this.rampCap = Infinity
  }

  /** A request ended (answered, or failed for good): one fewer left. */
  finished(): void {
    this.ended++
  }

  /** Reserves the start of the next attempt (`now`: the clock reading the caller already took). */
  reserve(now = this.now()): Slot {
    this.stretch ??= newStretch(now, 0)
    const start = Math.max(now, this.pauseEnd)
    if (this.model.phase === 'free') return { waitMs: start - now, startsAt: start, epoch: this.epoch }
    const slot = Math.max(start, this.nextSlot)
    this.holdRampNearTheEnd(slot)
    if (this.burstLeft > 0) this.burstLeft--
    else this.nextSlot = slot + this.gapAt(slot)
    return { waitMs: slot - now, startsAt: slot, epoch: this.epoch }
  }

  /** The next start without reserving it. */
  private peek(now: number): Slot {
    const slot = Math.max(now, this.pauseEnd, this.model.phase === 'free' ? 0 : this.nextSlot)
    return { waitMs: slot - now, startsAt: slot, epoch: this.epoch }
  }

  /** False when a pause began (or the pace was refitted during one) after `slot` was reserved: reserve again before starting. */
  isCurrent(slot: Slot): boolean {
    // Even a slot after the pause's end: it was spaced at the pace that ran into the limit.
    return slot.epoch === this.epoch
  }

  /** Layer accepted (answered other than 429) an attempt that started at `startedAt`. */
  accepted(startedAt: number): void {
    this.started(startedAt)
    const now = this.now()
    const stretch = this.stretch
    if (stretch !== undefined && startedAt >= stretch.start) {
      stretch.firstAnswerAt ??= now
      stretch.lastAnswerAt = now
      stretch.accepted.push(startedAt)
      if (stretch.accepted.length > MAX_ACCEPTED_KEPT) stretch.accepted.splice(0, MAX_ACCEPTED_KEPT / 2)
      return
    }
    const settling = this.settling
    if (settling === undefined || now >= this.pauseEnd) return
    const late = settling.stretch
    if (startedAt < late.start || startedAt > late.refusedAt) return
    // A late answer of the stretch that ran dry (it started before the refusal): refit, and space the slots again.
    late.accepted.push(startedAt)
    late.lastAnswerAt = now
    this.settle(learn(settling.prior, late))
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
    const stretch = this.stretch ?? newStretch(startedAt, 0)
    // Started before the pause ended as first set (in flight meanwhile): the same pause.
    const samePause = this.pauses > 0 && startedAt < stretch.start
    const added = Math.max(0, until - Math.max(now, this.pauseEnd))
    if (this.waitedMs + added > this.maxWaitMs) {
      this.exhaustedAfter = now
      return { kind: 'exhausted', waitedMs: this.waitedMs, askedMs }
    }
    this.waitedMs += added
    if (samePause) {
      if (until > this.pauseEnd) {
        // This 429's wait ends later: no request may start before it, so the slots reserved until
        // now are stale. The stretch still starts where the burst was first reserved, so its count holds.
        this.pauseEnd = until
        this.settle(this.model)
      }
      return { kind: 'retry', slot: retry ? this.reserve(now) : this.peek(now) }
    }
    const window = Math.max(50, Math.min(RECENT_MS, startedAt - stretch.start))
    const ended: Stretch = {
      ...stretch,
      refusedAt: startedAt,
      previousRefusal: this.refusedAt,
      askedMs: Math.max(askedMs, 1),
      paceAtRefusal: this.rateAt(startedAt),
      sentRate: this.startedSince(startedAt - window) / window,
    }
    const prior = this.model
    this.settling = { prior, stretch: ended }
    this.refusedAt = startedAt
    this.askedMs = Math.max(askedMs, MIN_PAUSE_MS)
    this.pauses++
    this.pauseEnd = until
    this.stretch = newStretch(until, startedAt)
    this.settle(learn(prior, ended))
    const slot = retry ? this.reserve(now) : this.peek(now)
    return {
      kind: 'retry',
      slot,
      pause: {
        delayMs: until - now,
        asked,
        waitedMs: this.waitedMs,
        ratePerSecond: this.rateAt(until) * 1000,
        probing: this.model.phase === 'probe',
      },
    }
  }

  /** Takes a (re)fitted model, or a later pause end: every slot reserved before is stale, and the burst is reserved again from the pause's end. */
  private settle(model: Model): void {
    this.model = model
    this.rampCap = Infinity
    this.epoch++
    this.nextSlot = this.pauseEnd
    const burst = burstAfterPause(model, this.pauseEnd - this.refusedAt)
    this.burstLeft = Math.max(0, burst - 1)
    if (this.stretch) this.stretch.burstSent = burst
  }

  /**
   * Near the run's end the steady pace stops ramping: what it could still gain on the requests
   * left is less than the pause a refusal would cost (at least Retry-After - b / r).
   */
  private holdRampNearTheEnd(slot: number): void {
    if (this.model.phase !== 'steady' || this.planned === 0 || this.rampCap !== Infinity) return
    const rate = this.rateAt(slot)
    const left = Math.max(0, this.planned - this.ended)
    if (left / rate < HOLD_HORIZON * this.askedMs) this.rampCap = rate
  }

  private started(at: number): void {
    this.starts.push(at)
    if (this.starts.length > 256) this.starts.splice(0, 128)
  }

  private startedSince(time: number): number {
    return this.starts.filter((at) => at >= time).length
  }

  /**
   * Time from a start at `time` to the next one. Probing, the pace grows during the gap, so the gap
   * is where its integral reaches one request: at a slow start 1 / rate would hold the first gap at
   * that slow rate however fast the pace has grown meanwhile.
   */
  private gapAt(time: number): number {
    const rate = this.rateAt(time)
    if (this.model.phase !== 'probe' || rate >= MAX_RATE_PER_MS) return 1 / rate
    return PROBE_DOUBLING_MS * Math.log2(1 + Math.LN2 / (PROBE_DOUBLING_MS * rate))
  }

  /** The pace (requests per ms) at clock time `time`, growing from the last pause's end. */
  private rateAt(time: number): number {
    const since = Math.max(0, time - this.pauseEnd)
    const { phase, baseRate, estimate } = this.model
    if (phase === 'probe') return clampRate(baseRate * 2 ** (since / PROBE_DOUBLING_MS))
    return Math.min(this.rampCap, clampRate(baseRate + estimate * STEADY_RAMP_PER_S * (since / 1000)))
  }
}

/** One log line for a pause: when and why every request waits, e.g. for the CLI's progress and the action's log. */
export function describePause(pause: PauseInfo): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
  return `Layer's rate limit (${pause.asked}): every request to Layer waits ${seconds(pause.delayMs)} (${seconds(pause.waitedMs)} waited in all), then ${pause.probing ? "a probe of Layer's pace from " : ''}${pause.ratePerSecond.toFixed(1)} requests/s`
}
