import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { editDistance, suggestName } from '../../src/manifest/suggest.js'
import { REQUEST_FIELDS } from '../../src/manifest/schema.js'

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('widht', 'width')).toBe(1)
    expect(editDistance('heigth', 'height')).toBe(1)
  })

  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('abc', '')).toBe(3)
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('same', 'same')).toBe(0)
  })

  it('is symmetric and bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const distance = editDistance(a, b)
        expect(editDistance(b, a)).toBe(distance)
        expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length))
        expect(distance >= Math.abs(a.length - b.length)).toBe(true)
        expect(distance === 0).toBe(a === b)
      }),
    )
  })
})

describe('suggestName', () => {
  it.each([
    ['widht', 'width'],
    ['heigth', 'height'],
    ['promt', 'prompt'],
    ['batchSize', 'batch_size'],
    ['batch-size', 'batch_size'],
    ['Batch Size', 'batch_size'],
    ['batchsize', 'batch_size'],
    ['guidance', 'guidance_scale'],
    ['duration', 'duration_seconds'],
    ['remove_bg_', undefined],
    ['colour', undefined],
    ['x', undefined],
  ])('%s -> %s', (input, expected) => {
    expect(suggestName(input, REQUEST_FIELDS)).toBe(expected)
  })

  it('prefers the earlier candidate on a tie and finds aliases', () => {
    expect(suggestName('knigt', ['knight', 'knights'])).toBe('knight')
    expect(suggestName('castle-vid', ['castle-video', 'knight'])).toBe('castle-video')
    expect(suggestName('dragon', ['knight', 'castle'])).toBeUndefined()
  })
})
