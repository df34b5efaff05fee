import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { formatGrouped, formatPlain, toCU, toMilli } from '../src/money.js'

describe('toMilli', () => {
  it('converts CU to integer thousandths', () => {
    expect(toMilli(0)).toBe(0)
    expect(toMilli(1)).toBe(1000)
    expect(toMilli(108.25)).toBe(108_250)
    expect(toMilli(0.1) + toMilli(0.2)).toBe(toMilli(0.3))
  })

  it('rounds half away from zero as the number is written', () => {
    expect(toMilli(1.0005)).toBe(1001) // stored as 1.000499999…
    expect(toMilli(1.0004999)).toBe(1000)
    expect(toMilli(2.675)).toBe(2675)
    expect(toMilli(-0.0005)).toBe(-1)
    expect(toMilli(-1.0004)).toBe(-1000)
    expect(toMilli(0.0004)).toBe(0)
    expect(Object.is(toMilli(-0.0004), 0)).toBe(true)
  })

  it('handles exponent notation', () => {
    expect(toMilli(1e-7)).toBe(0)
    expect(toMilli(5e-4)).toBe(1)
    expect(toMilli(1.5e-3)).toBe(2)
    expect(toMilli(1e21)).toBe(1e24)
    expect(toMilli(123456789.123)).toBe(123_456_789_123)
  })

  it('refuses what is not a finite number', () => {
    expect(() => toMilli(Number.NaN)).toThrow(RangeError)
    expect(() => toMilli(Number.POSITIVE_INFINITY)).toThrow('not a finite number: Infinity')
  })

  it('is the identity on thousandths: toMilli(n / 1000) === n', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => {
        expect(toMilli(n / 1000)).toBe(n === 0 ? 0 : n)
      }),
    )
  })
})

describe('formatPlain', () => {
  it('prints at most 3 decimals, no separators, no trailing zeros', () => {
    expect(formatPlain(108_250)).toBe('108.25')
    expect(formatPlain(-3000)).toBe('-3')
    expect(formatPlain(0)).toBe('0')
    expect(formatPlain(1)).toBe('0.001')
    expect(formatPlain(-1)).toBe('-0.001')
    expect(formatPlain(1_234_567_890)).toBe('1234567.89')
  })

  it('round-trips through toMilli', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (n) => {
        expect(toMilli(Number(formatPlain(n)))).toBe(n === 0 ? 0 : n)
      }),
    )
  })
})

describe('formatGrouped', () => {
  it('groups thousands for people', () => {
    expect(formatGrouped(1_234_500)).toBe('1,234.5')
    expect(formatGrouped(999_999)).toBe('999.999')
    expect(formatGrouped(1_000_000_000)).toBe('1,000,000')
    expect(formatGrouped(-1_234_000)).toBe('-1,234')
    expect(formatGrouped(0)).toBe('0')
  })
})

describe('toCU', () => {
  it('gives the JSON number of the exact decimal', () => {
    expect(toCU(300)).toBe(0.3)
    expect(toCU(108_250)).toBe(108.25)
    expect(toCU(-1)).toBe(-0.001)
  })
})
