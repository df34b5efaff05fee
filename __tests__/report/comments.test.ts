/**
 * The rendered pull-request comment in every state it can be in, kept as reviewed Markdown files
 * under __tests__/fixtures/comments/ so that a change to the comment shows in the diff.
 * `UPDATE_FIXTURES=1` rewrites them; read the diff before committing it.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { commentMarker } from '../../src/github/comment.js'
import { renderComment } from '../../src/report/markdown.js'
import type { Policy, Report } from '../../src/types.js'
import { scenarioReport } from '../fixtures/report/scenario.js'

// The marker publishComment writes first, so each fixture shows the comment exactly as GitHub stores it.
const MARKER = commentMarker('default', { id: 9876543210, attempt: 1, sha: '9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d' })
const RESERVE: Policy = { minRemaining: 2_500_000_000, failOnInsufficient: true }

/** Each state of SPEC section 4, and the report that is in it. */
const STATES: Record<string, () => Report> = {
  within: () => scenarioReport(),
  warn: () => scenarioReport({ ...RESERVE, warnRemaining: 12_100_000_000 }),
  'over-by-reserve': () => scenarioReport(RESERVE, { balance: 2_887.987 }),
  'over-by-cap': () => scenarioReport({ ...RESERVE, maxTotal: 324_025_000 }),
  negative: () => scenarioReport({ minRemaining: 0, failOnInsufficient: true }, { balance: 385.775 }),
  advisory: () => scenarioReport({ minRemaining: 0, failOnInsufficient: false }, { balance: 385.775 }),
  'could-not-price': () => scenarioReport(RESERVE, { failing: ['castle-flyover-teaser', 'knight-portraits@1024'] }),
  'nothing-changed': () => scenarioReport(RESERVE, { base: 'same' }),
  'no-base': () => scenarioReport(RESERVE, { base: 'none' }),
  simulated: () => ({ ...scenarioReport(), simulated: true }),
}

describe('the rendered comment of each state (UPDATE_FIXTURES=1 rewrites them)', () => {
  it.each(Object.keys(STATES))('%s', (state) => {
    const rendered = renderComment(STATES[state]!(), { marker: MARKER })
    const file = fileURLToPath(new URL(`../fixtures/comments/${state}.md`, import.meta.url))
    if (process.env.UPDATE_FIXTURES === '1') writeFileSync(file, rendered)
    expect(rendered).toBe(readFileSync(file, 'utf8'))
  })
})
