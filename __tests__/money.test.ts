import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { formatCount, formatGrouped, formatPlain, toCU, toMicro } from '../src/money.js'

describe('toMicro', () => {
  it('converts CU to integer millionths, exactly for up to 6 decimals', () => {
    expect(toMicro(0, 'up')).toBe(0)
    expect(toMicro(1, 'up')).toBe(1_000_000)
    expect(toMicro(108.25, 'down')).toBe(108_250_000)
    expect(toMicro(0.0004, 'up')).toBe(400)
    expect(toMicro(0.000001, 'down')).toBe(1)
    expect(toMicro(0.1, 'nearest') + toMicro(0.2, 'nearest')).toBe(toMicro(0.3, 'nearest'))
  })

  it('rounds past 6 decimals as asked, reading the number as written', () => {
    // 1.0000005 is stored as 1.00000049999…
    expect(toMicro(1.0000005, 'nearest')).toBe(1_000_001)
    expect(toMicro(1.0000005, 'up')).toBe(1_000_001)
    expect(toMicro(1.0000005, 'down')).toBe(1_000_000)
    expect(toMicro(1.0000004999, 'nearest')).toBe(1_000_000)
    expect(toMicro(1.0000000001, 'up')).toBe(1_000_001)
    // Up is towards +∞ and down towards -∞, for negative figures too (an overdrawn balance).
    expect(toMicro(-1.0000001, 'down')).toBe(-1_000_001)
    expect(toMicro(-1.0000001, 'up')).toBe(-1_000_000)
    expect(toMicro(-0.0000005, 'nearest')).toBe(-1)
    expect(Object.is(toMicro(-0.0000004, 'nearest'), 0)).toBe(true)
    expect(Object.is(toMicro(-0.0000004, 'up'), 0)).toBe(true)
  })

  it('handles exponent notation', () => {
    expect(toMicro(1e-7, 'up')).toBe(1)
    expect(toMicro(1e-7, 'down')).toBe(0)
    expect(toMicro(5e-7, 'nearest')).toBe(1)
    expect(toMicro(1.5e-6, 'nearest')).toBe(2)
    expect(toMicro(1e21, 'up')).toBe(1e27)
    expect(toMicro(123456.123456, 'up')).toBe(123_456_123_456)
  })

  it('refuses what is not a finite number', () => {
    expect(() => toMicro(Number.NaN, 'up')).toThrow(RangeError)
    expect(() => toMicro(Number.POSITIVE_INFINITY, 'down')).toThrow('not a finite number: Infinity')
  })

  it('is the identity on millionths, whatever the rounding: toMicro(n / 1e6) === n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom('up' as const, 'down' as const, 'nearest' as const),
        (n, rounding) => {
          expect(toMicro(n / 1e6, rounding)).toBe(n === 0 ? 0 : n)
        },
      ),
    )
  })

  it('never rounds a price down or a balance up', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (cu) => {
        expect(toMicro(cu, 'up') / 1e6).toBeGreaterThanOrEqual(cu - 1e-9)
        expect(toMicro(cu, 'down') / 1e6).toBeLessThanOrEqual(cu + 1e-9)
        expect(toMicro(cu, 'up') - toMicro(cu, 'down')).toBeLessThanOrEqual(1)
      }),
    )
  })
})

describe('formatPlain', () => {
  it('refuses a figure that is not an exact amount rather than print Infinity, NaN or an exponent', () => {
    for (const bad of [Infinity, -Infinity, NaN, 1e300, 2 ** 53, 0.5]) expect(() => formatPlain(bad)).toThrow(RangeError)
    expect(() => formatGrouped(Infinity)).toThrow(RangeError)
    expect(formatPlain(Number.MAX_SAFE_INTEGER, 'up')).toBe('9007199254.741')
  })

  it('prints at most 3 decimals, no separators, no trailing zeros', () => {
    expect(formatPlain(108_250_000)).toBe('108.25')
    expect(formatPlain(-3_000_000)).toBe('-3')
    expect(formatPlain(0)).toBe('0')
    expect(formatPlain(1000)).toBe('0.001')
    expect(formatPlain(-1000)).toBe('-0.001')
    expect(formatPlain(1_234_567_890_000)).toBe('1234567.89')
  })

  it('shows a figure with finer digits rounded as asked: spent up, left down', () => {
    expect(formatPlain(400, 'up')).toBe('0.001')
    expect(formatPlain(400, 'down')).toBe('0')
    expect(formatPlain(400, 'nearest')).toBe('0')
    expect(formatPlain(500, 'nearest')).toBe('0.001')
    expect(formatPlain(-400, 'down')).toBe('-0.001')
    expect(formatPlain(-400, 'up')).toBe('0') // never "-0"
    expect(formatPlain(-500, 'nearest')).toBe('-0.001')
    expect(formatPlain(1_234_000_001, 'up')).toBe('1234.001')
    expect(formatPlain(1_234_000_999, 'down')).toBe('1234')
  })

  it('round-trips through toMicro on thousandths', () => {
    fc.assert(
      // Every exact amount (below 2^53 micro-CU): larger ones are refused, above.
      fc.property(
        fc.integer({ min: -Math.floor(Number.MAX_SAFE_INTEGER / 1000), max: Math.floor(Number.MAX_SAFE_INTEGER / 1000) }),
        (n) => {
          expect(toMicro(Number(formatPlain(n * 1000)), 'nearest')).toBe(n === 0 ? 0 : n * 1000)
        },
      ),
    )
  })
})

describe('formatGrouped', () => {
  it('groups thousands for people', () => {
    expect(formatGrouped(1_234_500_000)).toBe('1,234.5')
    expect(formatGrouped(999_999_000)).toBe('999.999')
    expect(formatGrouped(1_000_000_000_000)).toBe('1,000,000')
    expect(formatGrouped(-1_234_000_000)).toBe('-1,234')
    expect(formatGrouped(0)).toBe('0')
    expect(formatGrouped(-400, 'down')).toBe('-0.001')
    expect(formatGrouped(999_999_999_600, 'up')).toBe('1,000,000')
  })
})

describe('formatCount', () => {
  it('groups a whole number', () => {
    expect(formatCount(0)).toBe('0')
    expect(formatCount(12_480)).toBe('12,480')
    expect(formatCount(1_000_000)).toBe('1,000,000')
  })
})

describe('toCU', () => {
  it('gives the JSON number of the decimal shown', () => {
    expect(toCU(300_000)).toBe(0.3)
    expect(toCU(108_250_000)).toBe(108.25)
    expect(toCU(-1000)).toBe(-0.001)
    expect(toCU(400, 'up')).toBe(0.001)
    expect(toCU(400, 'down')).toBe(0)
  })
})
