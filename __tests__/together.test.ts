import { describe, expect, it } from '@jest/globals'
import { commitmentOf, judgeTogether, othersOf, type CommittedPullRequest, type OpenPullRequestsRead } from '../src/together.js'
import type { Policy, Verdict } from '../src/types.js'

const WS = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const OTHER_WS = '00000000-0000-4000-8000-000000000000'
const CU = 1_000_000
const AT = '2026-12-02T00:00:00.000Z'
const strict: Policy = { minRemaining: 0, failOnInsufficient: true }

function committed(
  number: number,
  change: number,
  { sha = `${number}`.padEnd(40, 'a'), head, ws = WS }: { sha?: string; head?: string; ws?: string } = {},
): CommittedPullRequest {
  return { number, headSha: head ?? sha, commitment: { workspaceId: ws, total: change + 10 * CU, change, at: AT, sha } }
}

function read(...pullRequests: CommittedPullRequest[]): OpenPullRequestsRead {
  return { ok: true, pullRequests }
}

/** A verdict alone: `total` of a `balance`, judged by strict rules. */
function alone(total: number, balance: number, status: Verdict['status'] = total <= balance ? 'within' : 'over'): Verdict {
  return {
    status,
    sufficient: status === 'error' ? undefined : status !== 'over',
    total,
    balance,
    remaining: status === 'error' ? undefined : balance - total,
    breaches: [],
    reasons: status === 'over' ? ['over alone'] : [],
    passes: status === 'within' || status === 'warn',
  }
}

describe('judgeTogether', () => {
  // 100 CU balance; this pull request costs 60; the others commit 30 (fits together) or 50 (does not).
  const fitsTogether = read(committed(12, 10 * CU), committed(15, 20 * CU))
  const notTogether = read(committed(12, 10 * CU), committed(15, 40 * CU))

  it.each([
    // alone, together, mode -> status, passes
    ['fits alone and together', 'warn', fitsTogether, 'within', true],
    ['fits alone and together', 'fail', fitsTogether, 'within', true],
    ['fits alone, not together', 'warn', notTogether, 'warn', true],
    ['fits alone, not together', 'fail', notTogether, 'over', false],
    ['fits alone, not together (a board lists, never judges)', 'board', notTogether, 'within', true],
  ] as const)('%s, %s: %s', (_label, mode, others, status, passes) => {
    const { verdict, openPullRequests } = judgeTogether(alone(60 * CU, 100 * CU), strict, others, { mode, workspaceId: WS, self: 42 })
    expect([verdict.status, verdict.passes]).toEqual([status, passes])
    expect(verdict.notTogether === true).toBe(status !== 'within')
    expect(verdict.total).toBe(60 * CU)
    expect(verdict.remaining).toBe(40 * CU) // remaining alone is still what it is
    expect(openPullRequests.committed).toBe(others === fitsTogether ? 30 * CU : 50 * CU)
    expect(openPullRequests.remainingIfAllMerge).toBe(others === fitsTogether ? 10 * CU : -10 * CU)
  })

  it('fail in advisory mode reports over and still passes, as every over does there', () => {
    const { verdict } = judgeTogether(alone(60 * CU, 100 * CU), { ...strict, failOnInsufficient: false }, notTogether, {
      mode: 'fail',
      workspaceId: WS,
    })
    expect([verdict.status, verdict.sufficient, verdict.passes]).toEqual(['over', false, true])
  })

  it('says which rule and by how much, with the same reserve as alone', () => {
    const reserve: Policy = { minRemaining: 5 * CU, failOnInsufficient: true }
    const { verdict } = judgeTogether(alone(60 * CU, 100 * CU), reserve, fitsTogether, { mode: 'warn', workspaceId: WS })
    expect(verdict.status).toBe('within') // 10 left ≥ 5
    const short = judgeTogether(alone(60 * CU, 100 * CU), { ...reserve, minRemaining: 15 * CU }, fitsTogether, {
      mode: 'warn',
      workspaceId: WS,
    })
    expect(short.verdict.reasons).toEqual([
      'If the 2 other open pull requests on this base merge too (+30 CU together), 10 CU would remain, 5 CU short of the reserve of 15 CU (min-remaining-balance).',
    ])
    const negative = judgeTogether(alone(60 * CU, 100 * CU), strict, notTogether, { mode: 'warn', workspaceId: WS })
    expect(negative.verdict.reasons).toEqual([
      'If the 2 other open pull requests on this base merge too (+50 CU together), the workspace balance would go negative by 10 CU.',
    ])
  })

  it.each(['warn', 'fail'] as const)('%s: never lifts a verdict that fails alone, nor an error', (mode) => {
    const over = alone(120 * CU, 100 * CU)
    expect(judgeTogether(over, strict, fitsTogether, { mode, workspaceId: WS }).verdict).toBe(over)
    const error = alone(60 * CU, 100 * CU, 'error')
    const judged = judgeTogether(error, strict, fitsTogether, { mode, workspaceId: WS })
    expect(judged.verdict).toBe(error)
    expect(judged.openPullRequests.remainingIfAllMerge).toBeUndefined()
  })

  it('keeps a verdict that warns alone a warning in warn mode, and fails it in fail mode', () => {
    const warned: Verdict = { ...alone(60 * CU, 100 * CU), status: 'warn', reasons: ['below the warning level'] }
    const policy: Policy = { ...strict, warnRemaining: 50 * CU }
    expect(judgeTogether(warned, policy, notTogether, { mode: 'warn', workspaceId: WS }).verdict).toMatchObject({
      status: 'warn',
      passes: true,
    })
    expect(judgeTogether(warned, policy, notTogether, { mode: 'fail', workspaceId: WS }).verdict).toMatchObject({
      status: 'over',
      passes: false,
      reasons: ['below the warning level', expect.stringMatching(/^If the 2 other/)],
    })
  })

  it('GitHub not read: judged alone, with the reason, and nothing committed is claimed', () => {
    const verdict = alone(60 * CU, 100 * CU)
    const judged = judgeTogether(verdict, strict, { ok: false, reason: 'GitHub could not list (403)' }, { mode: 'fail', workspaceId: WS })
    expect(judged.verdict).toBe(verdict)
    expect(judged.openPullRequests).toEqual({ mode: 'fail', others: [], note: 'GitHub could not list (403)' })
  })

  it('a sum that cannot be held exactly is not a figure: judged alone', () => {
    const huge = read(committed(1, Number.MAX_SAFE_INTEGER), committed(2, Number.MAX_SAFE_INTEGER))
    const judged = judgeTogether(alone(60 * CU, 100 * CU), strict, huge, { mode: 'fail', workspaceId: WS })
    expect(judged.verdict.status).toBe('within')
    expect(judged.openPullRequests.committed).toBeUndefined()
  })
})

describe('othersOf', () => {
  it('counts the other pull requests on this workspace that commit more than 0, stale ones "as of" their commit', () => {
    const others = othersOf(
      [
        committed(15, 300 * CU, { sha: '9f2c4e1'.padEnd(40, '0'), head: 'f'.repeat(40) }),
        committed(12, 40 * CU),
        committed(42, 999 * CU), // this pull request's own comment
        committed(20, 0), // saves CU or changes nothing: commits nothing
        committed(21, 70 * CU, { ws: OTHER_WS }), // another workspace draws on another balance
      ],
      WS.toUpperCase(),
      42,
    )
    expect(others).toEqual([
      { number: 12, change: 40 * CU },
      { number: 15, change: 300 * CU, asOf: '9f2c4e1'.padEnd(40, '0') },
    ])
  })
})

describe('commitmentOf', () => {
  const report = { workspaceId: WS, balanceAt: AT }
  it('records the total and the positive change; a saving commits 0', () => {
    expect(commitmentOf({ ...report, verdict: alone(60 * CU, 100 * CU), delta: 5 * CU })).toEqual({
      workspaceId: WS,
      total: 60 * CU,
      change: 5 * CU,
      at: AT,
    })
    expect(commitmentOf({ ...report, verdict: alone(60 * CU, 100 * CU), delta: -5 * CU })?.change).toBe(0)
  })
  it('without a diff counts all of it as new, and records nothing for a total it could not compute', () => {
    expect(commitmentOf({ ...report, verdict: alone(60 * CU, 100 * CU) })?.change).toBe(60 * CU)
    expect(commitmentOf({ ...report, verdict: alone(60 * CU, 100 * CU, 'error') })).toBeUndefined()
  })
})
