import { describe, expect, it } from '@jest/globals'
import {
  commentMarker,
  commitmentLine,
  keeperOf,
  parseCommitment,
  parseMarker,
  recordsSameCommitment,
  type Commitment,
} from '../../src/github/marker.js'

const SHA = 'c0ffee00' + '1'.repeat(32)
const RUN = { id: 1234, attempt: 2, sha: SHA }
const WS = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const COMMITMENT: Commitment = { workspaceId: WS, total: 412_540_000, change: 400_000_000, at: '2026-12-02T00:23:05.000Z' }

/** A comment body with this marker and a commitment line as written (or tampered with). */
function body(commitmentText: string): string {
  return `${commentMarker('default', RUN)}\n<!-- layer-budget-gate:commitment ${commitmentText} -->\n### ✅ Within budget`
}

describe('the commitment after the marker', () => {
  it('round-trips: what a run records is what the next one reads, with the marker’s head commit', () => {
    const text = `${commentMarker('default', RUN, COMMITMENT)}\n### ✅ Within budget`
    expect(parseCommitment(text)).toEqual({ commitment: { ...COMMITMENT, sha: SHA } })
    expect(recordsSameCommitment(text, COMMITMENT)).toBe(true)
    expect(recordsSameCommitment(text, { ...COMMITMENT, at: '2027-01-01T00:00:00.000Z' })).toBe(true)
    expect(recordsSameCommitment(text, { ...COMMITMENT, change: 1 })).toBe(false)
    expect(recordsSameCommitment(text, undefined)).toBe(false)
  })

  it('leaves the marker line exactly as version 1 wrote it, so older versions keep finding their comment', () => {
    const [first, second] = commentMarker('nightly.art', RUN, COMMITMENT).split('\n')
    expect(first).toBe(`<!-- layer-budget-gate key=nightly.art run=1234 attempt=2 sha=${SHA} -->`)
    expect(parseMarker(`${first}\n${second}\nbody`)).toEqual({ key: 'nightly.art', run: 1234, attempt: 2, sha: SHA })
    expect(second).toBe(commitmentLine(COMMITMENT))
  })

  it('reads a version-1 marker with no commitment: found for keeper and dedupe, and it commits nothing', () => {
    const v1 = `<!-- layer-budget-gate key=default run=990 attempt=1 sha=${SHA} -->\nold text`
    expect(parseMarker(v1)).toEqual({ key: 'default', run: 990, attempt: 1, sha: SHA })
    expect(keeperOf([{ id: 1, marker: parseMarker(v1)! }])?.id).toBe(1)
    expect(parseCommitment(v1)).toEqual({ ignored: expect.stringMatching(/records no commitment/) })
    expect(recordsSameCommitment(v1, undefined)).toBe(true)
  })

  it('ignores an unknown version, never guessing what its fields mean', () => {
    const later = body(`{"v":2,"ws":"${WS}","total":1,"change":1,"at":"2026-12-02T00:00:00Z","currency":"CU"}`)
    expect(parseCommitment(later)).toEqual({ ignored: expect.stringMatching(/version 2/) })
  })

  it('keeps fields a later version adds, ignoring them', () => {
    const richer = body(`{"v":1,"ws":"${WS}","total":5,"change":3,"at":"2026-12-02T00:00:00Z","groups":{"a":1}}`)
    expect(parseCommitment(richer)).toEqual({ commitment: { workspaceId: WS, total: 5, change: 3, at: '2026-12-02T00:00:00Z', sha: SHA } })
  })

  it.each([
    ['a negative change', `{"v":1,"ws":"${WS}","total":5,"change":-3,"at":"2026-12-02T00:00:00Z"}`],
    ['a negative total', `{"v":1,"ws":"${WS}","total":-5,"change":3,"at":"2026-12-02T00:00:00Z"}`],
    ['a fraction of a micro-CU', `{"v":1,"ws":"${WS}","total":5,"change":0.5,"at":"2026-12-02T00:00:00Z"}`],
    ['a figure past 2^53', `{"v":1,"ws":"${WS}","total":5,"change":9007199254740993,"at":"2026-12-02T00:00:00Z"}`],
    ['a string figure', `{"v":1,"ws":"${WS}","total":"5","change":3,"at":"2026-12-02T00:00:00Z"}`],
    ['no workspace', `{"v":1,"total":5,"change":3,"at":"2026-12-02T00:00:00Z"}`],
    ['no time', `{"v":1,"ws":"${WS}","total":5,"change":3,"at":"yesterday"}`],
    ['no version', `{"ws":"${WS}","total":5,"change":3,"at":"2026-12-02T00:00:00Z"}`],
    ['JSON that does not parse', `{"v":1,"ws":`],
    ['an array', `{"v":1}, [1]`],
  ])('refuses %s: the commitment is ignored, never counted below 0', (_label, text) => {
    expect(parseCommitment(body(text))).toEqual({ ignored: expect.any(String) })
  })

  it('ignores a commitment line that is not right after the marker (text in the body cannot pose as one)', () => {
    const moved = `${commentMarker('default', RUN)}\n### Within\n${commitmentLine(COMMITMENT)}`
    expect(parseCommitment(moved)).toEqual({ ignored: expect.any(String) })
    expect(parseCommitment(commitmentLine(COMMITMENT))).toEqual({ ignored: 'the comment has no marker' })
  })

  it('never writes a negative change, and a workspace id cannot close the HTML comment', () => {
    const line = commitmentLine({ ...COMMITMENT, workspaceId: 'x --> <b>hi</b>', change: -5 })
    expect(line.indexOf('-->')).toBe(line.length - 3)
    const parsed = parseCommitment(`${commentMarker('default', RUN)}\n${line}\nbody`)
    expect(parsed).toEqual({ commitment: { ...COMMITMENT, workspaceId: 'x --> <b>hi</b>', change: 0, sha: SHA } })
  })
})
