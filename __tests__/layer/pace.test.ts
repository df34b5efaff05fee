/** The run's pace (src/layer/pace.ts), on an injected clock: no real sleeps, no server. */
import { describe, expect, it } from '@jest/globals'
import { Pace, type Slot } from '../../src/layer/pace.js'
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
}

/**
 * Event-driven run of `count` requests by `workers` concurrent callers through one pace, against a
 * token bucket answering 429 + Retry-After (`retryAfterMs`) after `latencyMs`: the client's loop
 * (reserve, wait, attempt, report) without sockets.
 */
function drive(
  count: number,
  workers: number,
  rate: number,
  burst: number,
  options: { latencyMs?: number; retryAfterMs?: number; maxWaitMs?: number } = {},
): Drive {
  const { latencyMs = 2, retryAfterMs = 1000, maxWaitMs = Infinity } = options
  const time = clock(0)
  const pace = new Pace({ maxWaitMs, now: time.now })
  const bucket = createTokenBucket({ ratePerSecond: rate, burst })
  // Each event: a worker ready to reserve at `at`, or an attempt that reaches the server at `at`.
  type Event = { at: number; kind: 'reserve' } | { at: number; kind: 'send'; slot: Slot }
  const events: Event[] = []
  let left = count
  let done = 0
  let refused = 0
  let pauses = 0
  let exhausted = false
  for (let i = 0; i < workers; i++) events.push({ at: 0, kind: 'reserve' })
  const schedule = (slot: Slot): void => {
    events.push({ at: slot.startsAt, kind: 'send', slot })
  }
  while (events.length > 0 && !exhausted) {
    events.sort((a, b) => a.at - b.at)
    const event = events.shift()!
    time.set(event.at)
    if (event.kind === 'reserve') {
      if (left === 0) continue
      left--
      schedule(pace.reserve())
      continue
    }
    if (!pace.isCurrent(event.slot)) {
      schedule(pace.reserve())
      continue
    }
    const startedAt = time.now()
    const ok = bucket.take(startedAt + latencyMs / 2)
    time.advance(latencyMs)
    if (ok) {
      pace.accepted(startedAt)
      done++
      events.push({ at: time.now(), kind: 'reserve' })
      continue
    }
    refused++
    const outcome = pace.limited(startedAt, retryAfterMs, '429 Too Many Requests, Retry-After: 1')
    if (outcome.kind === 'exhausted') {
      exhausted = true
      break
    }
    if (outcome.pause) pauses++
    schedule(outcome.slot)
  }
  if (!exhausted) expect(done).toBe(count)
  return { wallMs: time.now(), refused, pauses, waitedMs: pace.waited, exhausted }
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
  it('25/s, burst 5, concurrency 8, 200 requests: two pauses, within 1.3 × (200 - 5) / 25 s, few refusals', () => {
    const run = drive(200, 8, 25, 5)
    const bound = ((200 - 5) / 25) * 1000
    // Each pause costs about 1 s - 5 / 25 s: two of them (the first is unavoidable) are 1.2 × alone.
    expect(run.wallMs / bound).toBeLessThan(1.3)
    expect(run.refused / (200 + run.refused)).toBeLessThan(0.05)
    expect(run.pauses).toBeLessThanOrEqual(2)
  })

  it('25/s, burst 5 at 10 ms latency: the same', () => {
    const run = drive(200, 8, 25, 5, { latencyMs: 10 })
    expect(run.wallMs / (((200 - 5) / 25) * 1000)).toBeLessThan(1.3)
    expect(run.pauses).toBeLessThanOrEqual(2)
  })

  it('5/s, burst 1, concurrency 4, 60 requests: within 1.4 × the bound, few refusals', () => {
    const run = drive(60, 4, 5, 1)
    expect(run.wallMs / ((59 / 5) * 1000)).toBeLessThan(1.4)
    expect(run.refused / (60 + run.refused)).toBeLessThan(0.1)
    expect(run.pauses).toBeLessThanOrEqual(3)
  })

  it('a pause too short to refill the burst (10/s, burst 20) is not taken for a fast rate', () => {
    const run = drive(150, 8, 10, 20)
    expect(run.wallMs / (((150 - 20) / 10) * 1000)).toBeLessThan(1.1)
    expect(run.pauses).toBeLessThanOrEqual(3)
  })

  it.each([
    [10, 20],
    [2, 1],
  ])('%i/s with burst %i: within 1.5 of the bound', (rate, burst) => {
    const count = 150
    const run = drive(count, 8, rate, burst)
    expect(run.wallMs / (((count - burst) / rate) * 1000)).toBeLessThan(1.5)
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
