/**
 * Property-based tests of the Markdown renderer (src/report/markdown.ts, escape.ts, fit.ts): whatever the manifest and
 * Layer put in a report (names, groups, models, files, errors, notes with `|`, backticks, HTML,
 * `@user`, `#123`, newlines, bidi controls, emoji, 10,000-character strings), every table row keeps
 * its column count, nobody is mentioned, no issue is referenced, no HTML tag but the renderer's own
 * survives, and the body stays within its cap.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { escapeText } from '../../src/report/escape.js'
import { COMMENT_MAX_CHARS, renderComment, renderStopComment, renderSummary } from '../../src/report/markdown.js'
import { breakdownTable, changedTable, groupTable } from '../../src/report/rows.js'
import type { Change, Report, ReportLine, Verdict } from '../../src/types.js'
import type { Problem } from '../../src/problem.js'
import { LIVE_BACKTICK } from '../helpers/markdown.js'

const MARKER = '<!-- layer-budget-gate key=default run=1000 attempt=1 sha=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa -->'
const RUN_URL = 'https://github.com/acme/game/actions/runs/1000/attempts/1'
/** What the pull-request code passes: room left for the marker line. */
const REAL_CAP = COMMENT_MAX_CHARS - 256

const HOSTILE = [
  '|',
  '||',
  '\\|',
  '`',
  '```',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '</details>',
  '<details open>',
  '<!--',
  '-->',
  '<sub>',
  '@user',
  '@acme/core-team',
  ' @octocat',
  'a@b.c',
  '#123',
  '#1',
  'acme/game#7',
  'GH-42',
  'gh-9',
  '[link](https://evil.example)',
  '![img](https://evil.example/x.png)',
  '**bold**',
  '_it_',
  '~~s~~',
  '$x$',
  '$$',
  '&#64;user',
  '&#35;1',
  '&lt;b&gt;',
  '&amp;',
  '&',
  '<',
  '>',
  '"',
  "'",
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\u2028',
  '\u0085',
  '\u0000',
  '\u001b[31m',
  '\u202e',
  '\u2066',
  '\u200b',
  'é',
  '漢字',
  '🎨',
  '👩‍🎨',
  ':+1:',
  '- item',
  '1. item',
  '+ x',
  '= x',
  '> quote',
  '# heading',
  '---',
  '   ',
  '\\',
  '*',
  '_',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  'javascript:alert(1)',
]
const hostile = (maxLength: number) =>
  fc.string({
    unit: fc.oneof({ weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) }, fc.constantFrom(...HOSTILE)),
    maxLength,
  })
/** Mostly short text, sometimes very long (a name of thousands of characters). */
const text = fc.oneof(
  { weight: 5, arbitrary: hostile(30) },
  { weight: 1, arbitrary: hostile(8).map((t) => t.repeat(1 + Math.floor(10_000 / Math.max(1, t.length)))) },
)
const micro = fc.integer({ min: -1e12, max: 1e12 })
const UUID = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'

const line: fc.Arbitrary<ReportLine> = fc
  .record({
    name: text,
    file: fc.oneof(fc.constant('.layer/generations.yml'), text),
    line: fc.integer({ min: 1, max: 1e6 }),
    modelId: fc.oneof(fc.constant('3c90c3cc-0d44-4b50-8888-8dd25736052a'), text),
    modelLabel: text,
    runs: fc.integer({ min: 1, max: 1_000_000 }),
    group: fc.option(text, { nil: undefined }),
    unit: fc.option(fc.nat(1e9), { nil: undefined }),
    error: fc.option(text, { nil: undefined }),
    change: fc.option(fc.constantFrom<Change>('added', 'removed', 'changed', 'unchanged'), { nil: undefined }),
    delta: fc.option(micro, { nil: undefined }),
    batchSize: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
    base: fc.option(
      fc.record({
        runs: fc.integer({ min: 1, max: 1_000_000 }),
        line: fc.integer({ min: 1, max: 1e6 }),
        modelLabel: text,
        unit: fc.nat(1e9),
      }),
      { nil: undefined },
    ),
  })
  .map(({ unit, error, group, change, delta, batchSize, base, ...rest }) => ({
    ...rest,
    ...(group !== undefined ? { group } : {}),
    ...(change !== undefined ? { change } : {}),
    ...(delta !== undefined ? { delta } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(base !== undefined && change === 'changed' ? { base: { ...base, total: base.unit * base.runs } } : {}),
    ...(unit !== undefined && error === undefined ? { unit, total: unit * rest.runs } : { error: error ?? 'not priced' }),
  }))

const verdict: fc.Arbitrary<Verdict> = fc
  .record({
    status: fc.constantFrom<Verdict['status']>('within', 'over', 'error'),
    total: fc.nat(1e13),
    balance: fc.option(fc.nat(1e13), { nil: undefined }),
    reasons: fc.array(text, { maxLength: 2 }),
    advisory: fc.boolean(),
  })
  .map(({ status, total, balance, reasons, advisory }) => {
    const remaining = balance === undefined || status === 'error' ? undefined : balance - total
    if (status === 'error') return { status, total, balance, remaining, reasons: [], breaches: [], passes: false }
    if (status === 'within') return { status, sufficient: true, total, balance, remaining, reasons: [], breaches: [], passes: true }
    const breaches = reasons.map((_, i) => ({
      rule: i === 0 ? ('min-remaining-balance' as const) : ('max-total' as const),
      by: total,
      limit: i,
    }))
    return { status, sufficient: false, total, balance, remaining, reasons, breaches, passes: advisory }
  })

const report: fc.Arbitrary<Report> = fc
  .record({
    workspaceId: fc.oneof(fc.constant(UUID), text),
    verdict,
    minRemaining: fc.nat(1e9),
    maxTotal: fc.option(fc.nat(1e12), { nil: undefined }),
    lines: fc.array(line, { maxLength: 40 }),
    requests: fc.nat(5000),
    failures: fc.array(text, { maxLength: 15 }),
    delta: fc.option(micro, { nil: undefined }),
    baseNote: fc.option(text, { nil: undefined }),
    commit: fc.option(fc.oneof(fc.constant('9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d'), text), { nil: undefined }),
    links: fc.option(
      fc.record({
        serverUrl: fc.oneof(fc.constant('https://github.com'), text),
        owner: fc.oneof(fc.constant('acme'), text),
        repo: fc.oneof(fc.constant('game'), text),
        headSha: fc.oneof(fc.constant('9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d'), text),
        baseSha: fc.oneof(fc.constant('3b7d0a9c5e1f2468ace0bd13579f2468ace0bd13'), text),
      }),
      { nil: undefined },
    ),
  })
  .map(({ minRemaining, maxTotal, lines, ...rest }) => ({
    ...rest,
    policy: { minRemaining, failOnInsufficient: true, ...(maxTotal !== undefined ? { maxTotal } : {}) },
    lines,
    entries: lines.filter((l) => l.change !== 'removed').length,
    balanceAt: '2025-06-01T12:34:56.000Z',
    runUrl: RUN_URL,
  }))

/** The text GitHub shows: character references and backslash-escaped backticks decoded once (so "&amp;#64;" stays "&#64;"). */
function decoded(markdown: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }
  return markdown.replace(/\\`|&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, ref: string | undefined) => {
    if (ref === undefined) return '`'
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)))
    return named[ref.toLowerCase()] ?? whole
  })
}

/** No @mention, #123, GH-123 or owner/repo#123 that GitHub would link (and notify or cross-reference). */
function expectNoLiveReference(markdown: string): void {
  // A link's destination is not text: GitHub links no reference inside it (and the renderer percent-encodes it).
  const shown = decoded(markdown.replace(MARKER, '').replace(/\]\(https?:\/\/[^\s)]*\)/g, ']'))
  expect(shown).not.toMatch(/@[A-Za-z0-9]/)
  expect(shown).not.toMatch(/#\d/)
  expect(shown).not.toMatch(/\bGH-\d/i)
}

/** Every `<` opens one of the few tags the renderer writes itself. */
function expectOnlyOwnTags(markdown: string): void {
  const rest = markdown.replace(MARKER, '').replace(/<\/?(details|summary|sub)>|<!-- layer-budget-gate:footer -->/g, '')
  expect(rest).not.toContain('<')
}

/** The tables of the text: runs of lines starting with "|". */
function tables(markdown: string): string[][] {
  const found: string[][] = []
  let current: string[] | undefined
  for (const row of markdown.split('\n')) {
    if (row.startsWith('|')) {
      if (!current) found.push((current = []))
      current.push(row)
    } else current = undefined
  }
  return found
}

/** Each table's rows have as many cell separators as its header (no literal `|` from the text, no split row). */
function expectWellFormedTables(markdown: string): void {
  for (const table of tables(markdown)) {
    const pipes = (row: string) => row.split('|').length - 1
    for (const row of table) {
      expect(row.endsWith(' |') || row.endsWith('|')).toBe(true)
      expect(pipes(row)).toBe(pipes(table[0]!))
    }
  }
}

describe('renderComment and renderSummary on hostile reports', () => {
  it('keep every table row whole, mention and reference nobody, leave no foreign tag, stay within the cap', () => {
    fc.assert(
      fc.property(report, fc.boolean(), (r, compact) => {
        const comment = renderComment(r, { marker: MARKER, maxChars: REAL_CAP, compact })
        expect(comment.length).toBeLessThanOrEqual(REAL_CAP)
        expect(comment.startsWith(`${MARKER}\n### `)).toBe(true)
        expectWellFormedTables(comment)
        expectNoLiveReference(comment)
        expectOnlyOwnTags(comment)

        const summary = renderSummary(r)
        expectWellFormedTables(summary)
        expectNoLiveReference(summary)
        expectOnlyOwnTags(summary)
        // The summary has room for everything here: one table row per report row, none split by a newline.
        const expected = [changedTable(r), groupTable(r), r.entries > 0 ? breakdownTable(r) : undefined].filter((t) => t !== undefined)
        expect(tables(summary).map((t) => t.length)).toEqual(expected.map((t) => t.rows.length + 2))
      }),
      { numRuns: 150 },
    )
  })

  it('stay within any cap, and neutralise mentions even when cut', () => {
    fc.assert(
      fc.property(report, fc.integer({ min: 0, max: 70_000 }), fc.boolean(), (r, maxChars, compact) => {
        const comment = renderComment(r, { marker: MARKER, maxChars, compact })
        expect(comment.length).toBeLessThanOrEqual(maxChars)
        expectNoLiveReference(comment)
        const summary = renderSummary(r, maxChars)
        expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(maxChars)
        expectNoLiveReference(summary)
      }),
      { numRuns: 100 },
    )
  })

  it('keeps a report of 3,000 lines named by 10,000 hostile characters within 65,536 characters', () => {
    const name = '|`<b>@u #1\n'.repeat(1000)
    const lines: ReportLine[] = Array.from({ length: 3000 }, (_, i) => ({
      name: `${name}${i}`,
      file: 'f.yml',
      line: i + 1,
      modelId: UUID,
      modelLabel: name,
      runs: 1,
      group: name,
      unit: i,
      total: i,
    }))
    const r: Report = {
      workspaceId: UUID,
      verdict: { status: 'within', sufficient: true, total: 1, balance: 2, remaining: 1, reasons: [], breaches: [], passes: true },
      policy: { minRemaining: 0, failOnInsufficient: true },
      lines,
      entries: lines.length,
      requests: 3000,
      failures: [],
      balanceAt: '2025-06-01T12:34:56.000Z',
    }
    const comment = renderComment(r, { marker: MARKER, maxChars: REAL_CAP })
    expect(comment.length).toBeLessThanOrEqual(REAL_CAP)
    expectWellFormedTables(comment)
    expectNoLiveReference(comment)
    expectOnlyOwnTags(comment)
  })
})

describe('renderStopComment on hostile problems', () => {
  const problem: fc.Arbitrary<Problem> = fc.record({
    file: text,
    line: fc.integer({ min: 1, max: 1e6 }),
    col: fc.integer({ min: 1, max: 1e4 }),
    title: text,
    message: text,
  })

  it('lists the problems inertly within the cap', () => {
    fc.assert(
      fc.property(text, fc.array(problem, { maxLength: 30 }), fc.integer({ min: 500, max: 70_000 }), (message, problems, maxChars) => {
        const comment = renderStopComment({ message, problems, commit: 'abc1234', runUrl: RUN_URL }, { marker: MARKER, maxChars })
        expect(comment.length).toBeLessThanOrEqual(maxChars)
        expectNoLiveReference(comment)
        if (maxChars >= 20_000) expectOnlyOwnTags(comment)
      }),
      { numRuns: 100 },
    )
  })
})

describe('escapeText', () => {
  it('leaves nothing GitHub would link, render or ping, for any text', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 600 }), (value, max) => {
        const escaped = escapeText(value, max)
        expect(escaped).not.toMatch(/[\n\r|<>]/)
        expect(escaped).not.toMatch(LIVE_BACKTICK)
        expectNoLiveReference(escaped)
        expect([...decoded(escaped).replace(/\u200b/g, '')].length).toBeLessThanOrEqual(max)
      }),
      { numRuns: 300 },
    )
  })
})
