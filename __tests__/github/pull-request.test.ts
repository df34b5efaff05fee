import { describe, expect, it } from '@jest/globals'
import { changesGenerations } from '../../src/github/pull-request.js'
import type { Change, ReportLine } from '../../src/types.js'

function line(change?: Change, name = 'knight'): ReportLine {
  return {
    name,
    file: '.layer/generations.yml',
    line: 7,
    modelId: 'm',
    modelLabel: 'art',
    runs: 1,
    unit: 1_000_000,
    total: 1_000_000,
    ...(change ? { change, delta: change === 'unchanged' ? 0 : 1_000_000 } : {}),
  }
}

describe('changesGenerations (comment-on: change)', () => {
  it('is false when every head generation is unchanged and none was removed', () => {
    expect(changesGenerations({ lines: [line('unchanged'), line('unchanged', 'castle')], delta: 0 })).toBe(false)
  })

  it('is false for a diff with no generation on either side (no base manifest, nothing planned)', () => {
    expect(changesGenerations({ lines: [], delta: 0 })).toBe(false)
  })

  it.each<Change>(['added', 'changed', 'removed'])('is true when one generation is %s', (change) => {
    expect(changesGenerations({ lines: [line('unchanged'), line(change, 'castle')], delta: 1_000_000 })).toBe(true)
  })

  it('is true for a change whose head could not be priced (the delta is unknown, the diff is not)', () => {
    expect(changesGenerations({ lines: [line('unchanged'), { ...line('added', 'dragon'), total: undefined, delta: undefined }] })).toBe(
      true,
    )
  })

  it('is false for unchanged generations whose price is unknown: the manifest did not change', () => {
    expect(changesGenerations({ lines: [{ ...line('unchanged'), total: undefined, delta: undefined }] })).toBe(false)
  })

  it('takes a report without a diff (base not compared, unreadable or unpriced) for a change', () => {
    expect(changesGenerations({ lines: [line(), line(undefined, 'castle')] })).toBe(true)
    expect(changesGenerations({ lines: [] })).toBe(true)
  })
})
