import { describe, expect, it } from '@jest/globals'
import { judgePlan } from '../../src/pipeline.js'
import { buildPlan } from '../../src/pricing/plan.js'
import { renderComment, renderSummary } from '../../src/report/markdown.js'
import { toJsonReport } from '../../src/report/json.js'
import { toOutputs } from '../../src/report/outputs.js'
import { statusLine } from '../../src/report/rows.js'
import type { OpenPullRequestsInput } from '../../src/together.js'
import type { Policy, Report } from '../../src/types.js'
import { WORKSPACE, gen, ok } from '../fixtures/report/generations.js'

const CU = 1_000_000
const strict: Policy = { minRemaining: 0, failOnInsufficient: true }
const STALE = '9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d'

/** 60 CU of a 100 CU balance, judged with the other open pull requests (none: `ignore`). */
function reportWith(open: OpenPullRequestsInput | undefined, policy: Policy = strict): Report {
  const plan = buildPlan(WORKSPACE, [gen('knight', { runs: 6 })], [])
  return judgePlan(plan, [ok(10, 100)], {
    policy,
    baseRead: false,
    balanceAt: '2026-12-02T00:00:00.000Z',
    ...(open ? { openPullRequests: open } : {}),
  }).report
}

function others(mode: OpenPullRequestsInput['mode'], ...changes: [number, number, string?][]): OpenPullRequestsInput {
  return {
    mode,
    self: 42,
    read: {
      ok: true,
      pullRequests: changes.map(([number, change, sha]) => ({
        number,
        headSha: 'f'.repeat(40),
        commitment: { workspaceId: WORKSPACE, total: change, change, at: '2026-12-01T00:00:00.000Z', sha: sha ?? 'f'.repeat(40) },
      })),
    },
  }
}

describe('the other open pull requests in the report', () => {
  it('lists them in the comment (`#12 +40 CU`, `#15 +300 CU (as of 9f2c4e1)`), with the sum and what is left if all merge', () => {
    const report = reportWith(others('warn', [15, 30 * CU, STALE], [12, 4 * CU]))
    expect(report.verdict.status).toBe('within')
    const comment = renderComment(report, {})
    expect(comment).toContain(
      '#### Other open pull requests on this base\n\n- #12 +4 CU\n- #15 +30 CU (as of 9f2c4e1)\n\n**+34 CU** committed by 2 other open pull requests · 6 CU left if all merge, this one included.',
    )
    expect(toOutputs(report, { reportPath: 'r.json' })['committed-creative-units']).toBe('34')
    expect(toJsonReport(report)).toMatchObject({
      committed_creative_units: 34,
      open_pull_requests: [
        { number: 12, change_creative_units: 4 },
        { number: 15, change_creative_units: 30, as_of: STALE },
      ],
      remaining_if_all_merge_creative_units: 6,
    })
  })

  it('a warning headline when it fits alone but not together, saying by how much', () => {
    const report = reportWith(others('warn', [12, 50 * CU]))
    expect(report.verdict).toMatchObject({ status: 'warn', passes: true, notTogether: true })
    expect(statusLine(report)).toBe(
      '⚠️ fits alone, but the workspace would go 10 CU negative if the other open pull request on this base merges too',
    )
    const failing = reportWith(others('fail', [12, 50 * CU]), { minRemaining: 5 * CU, failOnInsufficient: true })
    expect(statusLine(failing)).toBe(
      '❌ fits alone, but 15 CU short of the 5 CU reserve if the other open pull request on this base merges too',
    )
    // The headline names the rule; the block of the others says what is left if all merge.
    const summary = renderSummary(failing)
    expect(summary).toContain(
      '## ❌ fits alone, but 15 CU short of the 5 CU reserve if the other open pull request on this base merges too',
    )
    expect(summary).toContain('**+50 CU** committed by')
    expect(summary).toMatch(/-10 CU left if all merge/)
  })

  it('says so when none commits anything, and when GitHub could not be read (its message escaped)', () => {
    expect(renderComment(reportWith(others('warn')), {})).toContain(
      'No other open pull request on this base commits Creative Units of this workspace.',
    )
    const unread = reportWith({ mode: 'warn', read: { ok: false, reason: 'GitHub said <b>@admin</b> (403)' } })
    const comment = renderComment(unread, {})
    expect(comment).toContain(
      'ℹ️ They could not be read, so this pull request is judged alone: GitHub said &lt;b&gt;@&#8203;admin&lt;/b&gt; (403)',
    )
    expect(toOutputs(unread, { reportPath: 'r.json' })['committed-creative-units']).toBe('')
    expect(toJsonReport(unread)).toMatchObject({ committed_creative_units: null, open_pull_requests: null })
  })

  it('under ignore (no read): no block, no JSON fields, an empty output', () => {
    const report = reportWith(undefined)
    expect(report.openPullRequests).toBeUndefined()
    expect(renderComment(report, {})).not.toContain('open pull request')
    expect(toJsonReport(report)).not.toHaveProperty('committed_creative_units')
    expect(toOutputs(report, { reportPath: 'r.json' })['committed-creative-units']).toBe('')
  })

  it('the budget board of an audit: base total, each pull request’s change, balance, left if all merge; the verdict its own', () => {
    const report = reportWith(others('board', [12, 50 * CU], [15, 30 * CU, STALE]))
    expect(report.verdict.status).toBe('within')
    expect(toOutputs(report, { reportPath: 'r.json' })['committed-creative-units']).toBe('')
    expect(renderSummary(report)).toContain(
      [
        '### Budget board: the open pull requests',
        '',
        '| | CU |',
        '| :--- | ---: |',
        '| Base total (this audit) | 60 CU |',
        '| #12 | +50 |',
        '| #15 (as of 9f2c4e1) | +30 |',
        '| Committed by 2 open pull requests | +80 |',
        '| Workspace balance | 100 CU |',
        '| **Left if all merge** | **-40 CU** |',
      ].join('\n'),
    )
  })
})
