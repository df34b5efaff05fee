import { describe, expect, it } from '@jest/globals'
import { overlapWithPricing, type GitHubHit } from '../../scripts/overlap.js'

const hit = (at: number, path: string, method = 'GET'): GitHubHit => ({ at, method, path })

describe('overlapWithPricing', () => {
  it('counts what was sent before the first estimate request or after the last answer as outside pricing', () => {
    const github = [hit(5, '/contents/a.yml'), hit(10, '/comments'), hit(150, '/graphql', 'POST'), hit(260, '/comments/1', 'PATCH')]
    const layer = [
      { at: 10, answeredAt: 110 },
      { at: 12, answeredAt: 250 },
      { at: 11, answeredAt: 120 },
    ]
    const overlap = overlapWithPricing(github, layer)
    expect(overlap.before.map((h) => h.path)).toEqual(['/contents/a.yml'])
    // Sent the moment the first request arrived, or the moment the last answer left: inside.
    expect(overlap.during.map((h) => h.path)).toEqual(['/comments', '/graphql'])
    // The window ends at the LAST answer (250), not at the last request's arrival or the first answer.
    expect(overlap.after.map((h) => `${h.method} ${h.path}`)).toEqual(['PATCH /comments/1'])
  })

  it('puts a request sent exactly at the last answer inside, one a millisecond later outside', () => {
    const overlap = overlapWithPricing([hit(100, '/x'), hit(101, '/y')], [{ at: 0, answeredAt: 100 }])
    expect(overlap.during.map((h) => h.path)).toEqual(['/x'])
    expect(overlap.after.map((h) => h.path)).toEqual(['/y'])
  })

  it('has no window without an estimate request: every GitHub request is outside', () => {
    const github = [hit(1, '/a'), hit(2, '/b')]
    expect(overlapWithPricing(github, [])).toEqual({ before: github, after: [], during: [] })
  })
})
