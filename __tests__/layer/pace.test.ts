/** The run's pace (src/layer/pace.ts), on an injected clock: no real sleeps, no server. */
import { describe, expect, it } from '@jest/globals'
import { Pace, describePause, type Slot } from '../../src/layer/pace.js'
import { createTokenBucket } from '../../src/simulator/rate-limit.js'

/** A clock the test moves by hand. */
function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void; set: (t: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => (t += ms), set: (at) => (t = at) }
}

interface Drive {
  wallMs: number
  refused: number
  pauses: number
  waitedMs: number
  exhausted: boolean
  /** The pace after each pause, in requests per second. */
  rates: number[]
}

/** A seeded uniform random in [0, 1) (mulberry32), so a jittered run is the same every time. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Event-driven run of `count` requests by `workers` concurrent callers through one pace, against a
 * token bucket answering 429 + Retry-After (`retryAfterMs`): the client's loop (reserve, wait,
 * attempt, report) without sockets. An attempt reaches the bucket `latencyMs / 2` after its slot
 * and is answered as late again; `jitterMs` adds up to that much at random to the send (a late
 * timer), the way there and the way back, so answers come out of order as on a loaded machine.
 */
function drive(
  count: number,
  workers: number,
  rate: number,
  burst: number,
  options: { latencyMs?: number; retryAfterMs?: number; maxWaitMs?: number; jitterMs?: number; seed?: number; told?: boolean } = {},
): Drive {
  const { latencyMs = 2, retryAfterMs = 1000, maxWaitMs = Infinity, jitterMs = 0, seed = 1, told = true } = options
  const random = seeded(seed)
  const jitter = (): number => (jitterMs > 0 ? random() * jitterMs : 0)
  const time = clock(0)
  const pace = new Pace({ maxWaitMs, now: time.now })
  // As the client does: the pace is told how many requests the run sends (told: false, it is not).
  if (told) pace.expect(count)
  const bucket = createTokenBucket({ ratePerSecond: rate, burst })
  // Each event: a worker ready to reserve, an attempt due to start, one reaching the bucket, or its answer.
  type Event =
    | { at: number; kind: 'reserve' }
    | { at: number; kind: 'send'; slot: Slot }
    | { at: number; kind: 'arrive'; startedAt: number }
    | { at: number; kind: 'answer'; startedAt: number; ok: boolean }
  const events: Event[] = []
  let left = count
  let done = 0
  let refused = 0
  let pauses = 0
  let exhausted = false
  const rates: number[] = []
  for (let i = 0; i < workers; i++) events.push({ at: 0, kind: 'reserve' })
  const schedule = (slot: Slot): void => {
    events.push({ at: slot.startsAt + jitter(), kind: 'send', slot })
  }
  while (events.length > 0 && !exhausted) {
    events.sort((a, b) => a.at - b.at)
    const event = events.shift()!
    time.set(event.at)
    if (event.kind === 'reserve') {
      if (left === 0) continue
      left--
      schedule(pace.reserve())
    } else if (event.kind === 'send') {
      if (!pace.isCurrent(event.slot)) schedule(pace.reserve())
      // The client reports the slot's start (the time it reserved), not the timer's late firing.
      else events.push({ at: time.now() + latencyMs / 2 + jitter(), kind: 'arrive', startedAt: event.slot.startsAt })
    } else if (event.kind === 'arrive') {
      events.push({ at: time.now() + latencyMs / 2 + jitter(), kind: 'answer', startedAt: event.startedAt, ok: bucket.take(time.now()) })
    } else if (event.ok) {
      pace.accepted(event.startedAt)
      pace.finished()
      done++
      events.push({ at: time.now(), kind: 'reserve' })
    } else {
      refused++
      const outcome = pace.limited(event.startedAt, retryAfterMs, '429 Too Many Requests, Retry-After: 1')
      if (outcome.kind === 'exhausted') exhausted = true
      else {
        if (outcome.pause) {
          pauses++
          rates.push(outcome.pause.ratePerSecond)
        }
        schedule(outcome.slot)
      }
    }
  }
  if (!exhausted) expect(done).toBe(count)
  return { wallMs: time.now(), refused, pauses, waitedMs: pace.waited, exhausted, rates }
}

describe('Pace: reservations', () => {
  it('paces nothing before the first 429', () => {
    const time = clock()
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    const slots = Array.from({ length: 20 }, () => pace.reserve())
    expect(slots.map((s) => s.waitMs)).toEqual(Array(20).fill(0))
    expect(pace.ratePerSecond).toBeUndefined()
  })

  it('one 429 pauses every request, not only the one that got it', () => {
    const time = clock()
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    const started = time.now()
    for (let i = 0; i < 5; i++) pace.accepted(pace.reserve().startsAt)
    const inFlight = pace.reserve()
    time.advance(10)
    const outcome = pace.limited(started, 1000, '429 Too Many Requests, Retry-After: 1')
    expect(outcome).toMatchObject({ kind: 'retry', slot: { waitMs: 1000 }, pause: { delayMs: 1000, waitedMs: 1000 } })
    // A slot reserved before the pause is stale; every new one starts after the pause.
    expect(pace.isCurrent(inFlight)).toBe(false)
    const others = Array.from({ length: 8 }, () => pace.reserve())
    expect(Math.min(...others.map((s) => s.waitMs))).toBeGreaterThanOrEqual(1000)
    // Spaced after the burst the first stretch showed (5): not all at once.
    expect(others[others.length - 1]!.waitMs).toBeGreaterThan(1000)
  })

  it('the 429s of requests already in flight belong to the same pause', () => {
    const time = clock()
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    const slots = Array.from({ length: 8 }, () => pace.reserve())
    time.advance(5)
    const first = pace.limited(slots[5]!.startsAt, 1000, 'Retry-After: 1')
    time.advance(3)
    const second = pace.limited(slots[6]!.startsAt, 1000, 'Retry-After: 1')
    expect(first).toMatchObject({ kind: 'retry', pause: { delayMs: 1000 } })
    expect(second.kind === 'retry' && second.pause).toBe(undefined)
    // Only the 3 ms the second answer came later were added.
    expect(pace.waited).toBe(1003)
  })

  it('a later 429 of the same pause that asks to wait longer moves every slot after its wait', () => {
    const time = clock(0)
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    const slots = Array.from({ length: 8 }, () => pace.reserve())
    for (const slot of slots.slice(0, 5)) pace.accepted(slot.startsAt)
    time.set(10)
    pace.limited(slots[5]!.startsAt, 1000, 'Retry-After: 1', false)
    const early = pace.reserve()
    expect(early.startsAt).toBe(1010)
    time.set(30)
    pace.limited(slots[6]!.startsAt, 1000, 'Retry-After: 1', false)
    // Retry-After is honoured for each 429: nothing starts before 30 + 1000.
    expect(pace.isCurrent(early)).toBe(false)
    const after = Array.from({ length: 8 }, () => pace.reserve())
    expect(Math.min(...after.map((slot) => slot.startsAt))).toBe(1030)
    expect(pace.waited).toBe(1020)
  })

  it('says in the log whether the pace after a pause is a probe or fitted', () => {
    const time = clock(0)
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    for (let i = 0; i < 5; i++) pace.accepted(pace.reserve().startsAt)
    time.set(10)
    const first = pace.limited(0, 1000, '429 Too Many Requests, Retry-After: 1', false)
    if (first.kind !== 'retry' || !first.pause) throw new Error('expected a pause')
    expect(first.pause.probing).toBe(true)
    expect(describePause(first.pause)).toBe(
      "Layer's rate limit (429 Too Many Requests, Retry-After: 1): every request to Layer waits 1.0 s (1.0 s waited in all), then a probe of Layer's pace from 5.0 requests/s",
    )
    // The probe speeds up, every request accepted, until one is refused: then the pace is fitted.
    let slot = pace.reserve()
    while (slot.startsAt < 4000) {
      time.set(slot.startsAt)
      pace.accepted(slot.startsAt)
      slot = pace.reserve()
    }
    time.set(slot.startsAt + 5)
    const second = pace.limited(slot.startsAt, 1000, 'Retry-After: 1', false)
    if (second.kind !== 'retry' || !second.pause) throw new Error('expected a second pause')
    expect(second.pause.probing).toBe(false)
    expect(describePause(second.pause)).toMatch(/, then \d+\.\d requests\/s$/)
  })

  it('the probe sends all of the burst but one at the pause end, then paces the rest', () => {
    const time = clock()
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    const started = time.now()
    for (let i = 0; i < 5; i++) pace.accepted(pace.reserve().startsAt)
    time.advance(10)
    const outcome = pace.limited(started, 1000, 'Retry-After: 1', false)
    expect(outcome).toMatchObject({ kind: 'retry', pause: { delayMs: 1000, ratePerSecond: 5 } })
    const waits = Array.from({ length: 6 }, () => pace.reserve().waitMs)
    // Four of the five at once (the first stretch's count may hold a refill), then spaced.
    expect(waits.slice(0, 4)).toEqual([1000, 1000, 1000, 1000])
    expect(waits[4]).toBeGreaterThan(1000)
    expect(waits[5]).toBeGreaterThan(waits[4]!)
  })

  it('an answer of the stretch that comes after its 429 is counted: the fit is redone and earlier slots are stale', () => {
    const time = clock()
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    const slots = Array.from({ length: 6 }, () => pace.reserve())
    for (const slot of slots.slice(0, 3)) pace.accepted(slot.startsAt)
    time.advance(10)
    // The 429 of the sixth comes before the answers of the fourth and fifth: a burst of 3 so far.
    pace.limited(slots[5]!.startsAt, 1000, 'Retry-After: 1', false)
    const before = pace.reserve()
    expect(pace.isCurrent(before)).toBe(true)
    time.advance(2)
    pace.accepted(slots[3]!.startsAt)
    pace.accepted(slots[4]!.startsAt)
    // A burst of 5 after all: the slot reserved for a burst of 3 is stale, and four go at the pause end.
    expect(pace.isCurrent(before)).toBe(false)
    const waits = Array.from({ length: 5 }, () => pace.reserve().waitMs)
    expect(waits.slice(0, 4)).toEqual([998, 998, 998, 998])
    expect(waits[4]).toBeGreaterThan(998)
    // Once the pause is over a late answer changes nothing: its slots are being used.
    const current = pace.reserve()
    time.advance(1000)
    pace.accepted(slots[2]!.startsAt)
    expect(pace.isCurrent(current)).toBe(true)
  })

  it('bounds the pauses by maxWaitMs over the run, then refuses every attempt', () => {
    const time = clock()
    const pace = new Pace({ maxWaitMs: 2000, now: time.now })
    let slot = pace.reserve()
    for (let i = 0; i < 2; i++) {
      const outcome = pace.limited(slot.startsAt, 1000, 'Retry-After: 1')
      expect(outcome.kind).toBe('retry')
      if (outcome.kind === 'retry') slot = outcome.slot
      time.set(slot.startsAt)
    }
    expect(pace.limited(slot.startsAt, 1000, 'Retry-After: 1')).toEqual({ kind: 'exhausted', waitedMs: 2000, askedMs: 1000 })
    expect(pace.exhausted).toBe(true)
    expect(pace.limited(time.now(), 1, 'Retry-After: 0')).toMatchObject({ kind: 'exhausted' })
  })

  it('refuses at once a wait longer than what is left (an hour), without waiting for it', () => {
    const time = clock()
    const pace = new Pace({ maxWaitMs: 300_000, now: time.now })
    expect(pace.limited(pace.reserve().startsAt, 3_600_000, 'Retry-After: 3600')).toEqual({
      kind: 'exhausted',
      waitedMs: 0,
      askedMs: 3_600_000,
    })
  })
})

describe('Pace: reaching the rate Layer accepts (event-driven, token bucket)', () => {
  it('25/s, burst 5, concurrency 8, 200 requests: two pauses, within 1.23 × (200 - 5) / 25 s, few refusals', () => {
    const run = drive(200, 8, 25, 5)
    const bound = ((200 - 5) / 25) * 1000
    // Each pause costs about 1 s - 5 / 25 s: two of them (the first is unavoidable) are 1.2 × alone.
    // Measured 1.214 (the fit after the probe at 25.3/s); 1.23 before the probe sent its burst at once.
    expect(run.wallMs / bound).toBeLessThan(1.23)
    expect(run.refused / (200 + run.refused)).toBeLessThan(0.05)
    expect(run.pauses).toBeLessThanOrEqual(2)
  })

  it('25/s, burst 5 at 10 ms latency: the same', () => {
    const run = drive(200, 8, 25, 5, { latencyMs: 10 })
    expect(run.wallMs / (((200 - 5) / 25) * 1000)).toBeLessThan(1.23)
    expect(run.pauses).toBeLessThanOrEqual(2)
  })

  it('5/s, burst 1, concurrency 4, 60 requests: within 1.35 × the bound, few refusals', () => {
    const run = drive(60, 4, 5, 1)
    // Measured 1.332: the probe sees two accepted attempts before the bucket is dry, so its fit is rough.
    expect(run.wallMs / ((59 / 5) * 1000)).toBeLessThan(1.35)
    expect(run.refused / (60 + run.refused)).toBeLessThan(0.1)
    expect(run.pauses).toBeLessThanOrEqual(3)
  })

  it('a pause too short to refill the burst (10/s, burst 20) is not taken for a fast rate', () => {
    const run = drive(150, 8, 10, 20)
    expect(run.wallMs / (((150 - 20) / 10) * 1000)).toBeLessThan(1.05)
    expect(run.pauses).toBeLessThanOrEqual(3)
  })

  it.each([
    [10, 20, 1.05],
    [2, 1, 1.17],
  ])('%i/s with burst %i: within %d of the bound (and 1.5)', (rate, burst, ratio) => {
    const count = 150
    const run = drive(count, 8, rate, burst)
    expect(run.wallMs / (((count - burst) / rate) * 1000)).toBeLessThan(1.5)
    expect(run.wallMs / (((count - burst) / rate) * 1000)).toBeLessThan(ratio)
  })

  it('fits 25/s within 4 % after the probe when answers come out of order, and pauses at most three times', () => {
    // 4 ms of latency and up to 5 ms more on the send, the way there and the way back: a loaded
    // machine's timers and sockets. Counting only the answers before a 429 made 3.6 × here.
    const bound = ((200 - 5) / 25) * 1000
    const ratios: number[] = []
    for (let seed = 1; seed <= 10; seed++) {
      const run = drive(200, 8, 25, 5, { latencyMs: 4, jitterMs: 5, seed })
      // Measured: 6 runs of 2 pauses (1.213–1.218), 4 of 3 (1.332–1.336), whose fit was 3 % high.
      expect(run.pauses).toBeLessThanOrEqual(3)
      ratios.push(run.wallMs / bound)
      // The steady pace starts at 95 % of the fit; measured 25.6–25.8 (the fit assumes the bucket
      // held half a token at the refusal: over the probe's 0.4 s that is ± 1.25/s).
      const fitted = run.rates[1]! / 0.95
      expect(fitted).toBeGreaterThan(24)
      expect(fitted).toBeLessThan(26)
    }
    expect(Math.max(...ratios)).toBeLessThan(1.35)
    // Half of the runs at least (those with two pauses) within 1.25.
    expect(ratios.sort((x, y) => x - y)[ratios.length / 2 - 1]).toBeLessThan(1.25)
  })

  it('told how many requests the run sends, it stops ramping near the end instead of risking a pause for the last few', () => {
    // 20 jittered runs (4 ms of latency, up to 5 ms more each way): measured 9 of them paused a
    // third time late in the run when the pace was not told, none when it was, the median the same.
    const bound = ((200 - 5) / 25) * 1000
    const runs = (told: boolean) =>
      Array.from({ length: 20 }, (_, i) => drive(200, 8, 25, 5, { latencyMs: 4, jitterMs: 5, seed: i + 1, told }))
    const untold = runs(false)
    const told = runs(true)
    expect(untold.filter((run) => run.pauses > 2).length).toBeGreaterThanOrEqual(5)
    expect(told.filter((run) => run.pauses > 2)).toHaveLength(0)
    const medianOf = (list: Drive[]) => list.map((run) => run.wallMs / bound).sort((a, b) => a - b)[10]!
    expect(medianOf(told)).toBeLessThan(medianOf(untold) + 0.01)
    expect(Math.max(...told.map((run) => run.wallMs / bound))).toBeLessThan(1.25)
  })

  it('holds the steady pace once the requests left take less than four pauses, and ramps again for more', () => {
    const time = clock(0)
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    pace.expect(40)
    // A first stretch (the burst), a probe that ran dry: the pace is fitted (steady) after the second pause.
    for (let i = 0; i < 5; i++) pace.accepted(pace.reserve().startsAt)
    pace.limited(0, 1000, 'Retry-After: 1', false)
    const starts: number[] = []
    for (let at = 1000; at < 1400; at += 25) starts.push(at)
    for (const at of starts) pace.accepted(at)
    time.set(1400)
    pace.limited(1400, 1000, 'Retry-After: 1', false)
    for (let i = 0; i < 5 + starts.length; i++) pace.finished()
    // 40 - 21 = 19 left: at about 20/s that is 1 s of requests, under 4 s: no ramp from here on.
    time.set(2400)
    pace.reserve()
    const held = pace.ratePerSecond!
    time.set(6400)
    expect(pace.ratePerSecond).toBeCloseTo(held, 6)
    // Told of 1,000 more, it ramps again (1 % of the estimate per second).
    pace.expect(1000)
    pace.reserve()
    expect(pace.ratePerSecond!).toBeGreaterThan(held * 1.02)
  })

  it('fits the rate after a slow start that left the bucket full, not over the whole stretch', () => {
    const time = clock(0)
    const pace = new Pace({ maxWaitMs: Infinity, now: time.now })
    const bucket = createTokenBucket({ ratePerSecond: 25, burst: 5 })
    // First stretch: 5 at once, then a refusal: the burst is 5, the rate unknown.
    for (let i = 0; i < 5; i++) expect(bucket.take(0)).toBe(true)
    for (let i = 0; i < 5; i++) pace.accepted(pace.reserve().startsAt)
    expect(bucket.take(0)).toBe(false)
    pace.limited(0, 1000, 'Retry-After: 1', false)
    // After the pause: 400 ms at 5/s (the bucket sits full, its refills lost), then 50/s until it runs dry.
    const starts = [1000, 1200, 1400, ...Array.from({ length: 40 }, (_, i) => 1420 + i * 20)]
    let accepted = 0
    let refusedAt: number | undefined
    for (const at of starts) {
      if (!bucket.take(at)) {
        refusedAt = at
        break
      }
      pace.accepted(at)
      accepted++
    }
    expect(refusedAt).toBeDefined()
    time.set(refusedAt!)
    const outcome = pace.limited(refusedAt!, 1000, 'Retry-After: 1', false)
    const whole = ((accepted - 5) / (refusedAt! - 1000)) * 1000
    const fitted = outcome.kind === 'retry' ? outcome.pause!.ratePerSecond / 0.95 : 0
    // The whole stretch fits about half the rate; the window from the last full bucket fits it.
    expect(whole).toBeLessThan(15)
    expect(fitted).toBeGreaterThan(22)
    expect(fitted).toBeLessThan(28)
  })

  it('a server that refuses everything is given up on within maxWaitMs', () => {
    const run = drive(50, 4, 1e-9, 1, { maxWaitMs: 2000 })
    expect(run.exhausted).toBe(true)
    expect(run.waitedMs).toBeLessThanOrEqual(2000)
  })
})
