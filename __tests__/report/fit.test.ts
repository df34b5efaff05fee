import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { cut, cutBytes, largestFitting, mostRows, shorten, utf8Length } from '../../src/report/fit.js'

describe('shorten', () => {
  it('leaves text of at most `max` code points alone', () => {
    expect(shorten('abc', 3)).toBe('abc')
    expect(shorten('😀😀😀', 3)).toBe('😀😀😀')
  })

  it('cuts on code points and marks the cut, or marks text already cut', () => {
    expect(shorten('abcdef', 4)).toBe('abc…')
    expect(shorten('😀😀😀😀', 3)).toBe('😀😀…')
    expect(shorten('abc', 10, true)).toBe('abc…')
    expect(shorten('abcdef', 1)).toBe('…')
  })
})

describe('largestFitting', () => {
  const rows = (n: number) => 'x'.repeat(10 * n)

  it('finds the most rows that fit, rendering a logarithmic number of times', () => {
    let renders = 0
    const text = largestFitting(10_000, 12_345, (n) => {
      renders += 1
      return rows(n)
    })
    expect(text).toBe(rows(1234))
    expect(renders).toBeLessThanOrEqual(15)
  })

  it('returns every row when all fit, and undefined when not even none fit', () => {
    expect(largestFitting(5, 1000, rows)).toBe(rows(5))
    expect(largestFitting(5, 9, (n) => `header!!!!${rows(n)}`)).toBeUndefined()
    expect(largestFitting(-1, 100, rows)).toBe('')
  })

  it('measures with the size it is given', () => {
    const threeBytes = (n: number) => '€'.repeat(n)
    expect(largestFitting(100, 30, threeBytes)).toBe('€'.repeat(30))
    expect(largestFitting(100, 30, threeBytes, utf8Length)).toBe('€'.repeat(10))
  })
})

describe('cut', () => {
  it('leaves text within the cap alone', () => {
    expect(cut('abc', 3)).toBe('abc')
  })

  it('never cuts inside a surrogate pair or a character reference', () => {
    expect(cut('ab😀', 3)).toBe('ab')
    expect(cut('a &#8203;b', 5)).toBe('a ')
    expect(cut('a &amp; b', 7)).toBe('a &amp;')
    expect(cut('abc', -1)).toBe('')
  })

  it('returns a prefix within the cap, for any text and cap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 0, max: 250 }), (text, max) => {
        const result = cut(text, max)
        expect(result.length).toBeLessThanOrEqual(max)
        expect(text.startsWith(result)).toBe(true)
        expect(/[\ud800-\udbff]$/.test(result)).toBe(false)
      }),
    )
  })
})

describe('cutBytes', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(cutBytes('€€€€', 7)).toBe('€€')
    expect(cutBytes('abc', 3)).toBe('abc')
  })

  it('returns a prefix of at most `maxBytes` bytes, for any text and cap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 0, max: 600 }), (text, max) => {
        const result = cutBytes(text, max)
        expect(utf8Length(result)).toBeLessThanOrEqual(max)
        expect(text.startsWith(result)).toBe(true)
      }),
    )
  })
})

describe('mostRows', () => {
  it('is fewer than all the rows, and no more than one per 20 characters', () => {
    expect(mostRows(10, 1_000_000)).toBe(9)
    expect(mostRows(10_000, 65_536)).toBe(3276)
  })
})
