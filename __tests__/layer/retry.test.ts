import { describe, expect, it } from '@jest/globals'
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, abortableSleep, backoffDelay, defaultSleep, parseRetryAfter } from '../../src/layer/retry.js'

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt from 500 ms (full jitter: random × ceiling)', () => {
    const half = (): number => 0.5
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, half))).toEqual([250, 500, 1000, 2000, 4000])
  })

  it('caps the ceiling at 30 s, even for absurd attempt numbers', () => {
    const almostOne = (): number => 0.999999
    expect(backoffDelay(7, almostOne)).toBe(29_999)
    expect(backoffDelay(10_000, almostOne)).toBe(29_999)
    expect(BACKOFF_BASE_MS).toBe(500)
    expect(BACKOFF_CAP_MS).toBe(30_000)
  })

  it('stays within [0, ceiling) and can be 0 (full jitter)', () => {
    expect(backoffDelay(1, () => 0)).toBe(0)
    expect(backoffDelay(3, () => 0.25)).toBe(500)
    // A faulty random source outside [0, 1) is clamped rather than trusted.
    expect(backoffDelay(1, () => 7)).toBe(500)
    expect(backoffDelay(1, () => -1)).toBe(0)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2015-10-21T07:28:00Z')

  it('reads delta-seconds, including decimals', () => {
    expect(parseRetryAfter('2', now)).toBe(2000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('1.5', now)).toBe(1500)
  })

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:09 GMT', now)).toBe(9000)
  })

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0)
  })

  it('gives undefined for absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-1', now)).toBeUndefined()
    expect(parseRetryAfter('2015', now)).toBe(2_015_000)
  })
})

describe('abortableSleep', () => {
  it('resolves after the injected sleep', async () => {
    const waited: number[] = []
    await abortableSleep(async (ms) => void waited.push(ms), 1234, new AbortController().signal)
    expect(waited).toEqual([1234])
  })

  it('rejects at once when the signal aborts, even if the injected sleep ignores it', async () => {
    const controller = new AbortController()
    const never = (): Promise<void> => new Promise(() => undefined)
    const sleeping = abortableSleep(never, 60_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(sleeping).rejects.toThrow('stop')
  })

  it('rejects without sleeping when the signal is already aborted', async () => {
    const waited: number[] = []
    const controller = new AbortController()
    controller.abort(new Error('already'))
    await expect(abortableSleep(async (ms) => void waited.push(ms), 10, controller.signal)).rejects.toThrow('already')
    expect(waited).toEqual([])
  })

  it('the real sleep waits and is cut short by the signal', async () => {
    const started = Date.now()
    await defaultSleep(20)
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)

    const controller = new AbortController()
    const long = defaultSleep(60_000, controller.signal)
    setTimeout(() => controller.abort(new Error('cut')), 5)
    await expect(long).rejects.toThrow('cut')
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})
