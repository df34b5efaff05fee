import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { buildPlan } from '../../src/pricing/plan.js'
import { judgePlan } from '../../src/pipeline.js'
import { commentMarker } from '../../src/github/comment.js'
import {
  COMMENT_MAX_CHARS,
  FOOTER_MARK,
  markdownTable,
  renderComment,
  renderStopComment,
  renderSummary,
  SUMMARY_MAX_BYTES,
} from '../../src/report/markdown.js'
import type { Generation, Policy, Report, ReportLinks, RequestOutcome } from '../../src/types.js'
import { VERSION } from '../../src/version.js'
import { WORKSPACE, failed, gen, ok } from '../fixtures/report/generations.js'
import { SCENARIO_LINKS, scenarioReport } from '../fixtures/report/scenario.js'
import { pingsNobody } from '../helpers/markdown.js'

// The marker publishComment writes first, so the fixture shows the comment exactly as GitHub stores it.
const MARKER = commentMarker('default', { id: 9876543210, attempt: 1, sha: '9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d' })
const strict: Policy = { minRemaining: 0, failOnInsufficient: true }

function report(head: Generation[], outcomes: RequestOutcome[], base?: Generation[], policy: Policy = strict, links?: ReportLinks): Report {
  const plan = buildPlan(WORKSPACE, head, base)
  return judgePlan(plan, outcomes, {
    policy,
    baseRead: base !== undefined,
    balanceAt: '2025-06-01T12:34:56.000Z',
    commit: '9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d',
    runUrl: 'https://github.com/o/r/actions/runs/1',
    links,
  }).report
}

/** `n` generations with distinct prices (generation i costs i + 1 CU per run), named by `nameOf`. */
function bigReport(n: number, nameOf: (i: number) => string = (i) => `gen-${i}`, base?: Generation[]): Report {
  const head = Array.from({ length: n }, (_, i) => gen(nameOf(i), { body: { prompt: `p${i}` }, group: `group-${i % 7}` }))
  const outcomes = [...head, ...(base ?? [])].map((_, i) => ok(i + 1, 1e9))
  return report(head, outcomes, base)
}

/** Every `<` in the text opens one of the few tags the renderer writes itself. */
function onlyOwnTags(markdown: string): boolean {
  const withoutOwn = markdown.replace(/<\/?(details|summary|sub)>|<!-- layer-budget-gate[ :][^>]*-->/g, '')
  return !withoutOwn.includes('<')
}

/** The rows of every table (lines starting with "|"): each must have as many cells as its header. */
function tablesAreWellFormed(markdown: string): boolean {
  let columns: number | undefined
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      columns = undefined
      continue
    }
    const pipes = line.split('|').length - 1
    columns ??= pipes
    if (pipes !== columns) return false
  }
  return true
}

describe('markdownTable', () => {
  it('right-aligns numeric columns', () => {
    expect(markdownTable(['Name', 'CU'], [['a', '1,234.5']], ['left', 'right'])).toBe('| Name | CU |\n| :--- | ---: |\n| a | 1,234.5 |')
  })
})

describe('renderComment', () => {
  it("labels simulated prices as made up under the headline and in the footer, and Layer's as estimates", () => {
    const layer = scenarioReport()
    for (const text of [renderComment({ ...layer, simulated: true }, { marker: MARKER }), renderSummary({ ...layer, simulated: true })]) {
      const [, second] = text.replace(`${MARKER}\n`, '').split('\n\n')
      expect(second).toBe(
        '**⚠️ Made-up prices: these estimates come from the local simulator, not from Layer; they say nothing about what Layer would charge**',
      )
      expect(text).toContain('· Made-up prices from the local simulator, not Layer ·')
      expect(text).not.toContain("Prices are Layer's estimates")
    }
    for (const text of [renderComment(layer, { marker: MARKER }), renderSummary(layer)]) {
      expect(text).not.toMatch(/made-up|simulator/i)
      expect(text).toContain("Prices are Layer's estimates; actual charges may differ")
    }
  })

  it('starts with the marker, then the headline, and ends with the footer: commit, run, balance time, version', () => {
    const text = renderComment(scenarioReport(), { marker: MARKER })
    expect(text.startsWith(`${MARKER}\n### ✅ +60.125 CU in this pull request · 444.025 of 12,480.5 CU · 12,036.475 left\n`)).toBe(true)
    expect(text).toContain('#### Changed in this pull request\n\n| Generation | Change | Runs | CU per run | Total CU | Δ CU |')
    expect(text).toContain('| changed | 4 → 6 | 12 → 12.5 | 48 → 75 | +27 |')
    expect(text).toContain('#### By group\n\n| Group | Base CU | Head CU | Δ CU |')
    expect(text).toContain('<details><summary>Breakdown: 7 generations, most expensive first</summary>')
    const footer = text.slice(text.indexOf(FOOTER_MARK))
    expect(footer).toContain('Commit 9f2c4e1 ·')
    expect(footer).toContain('[Workflow run](https://github.com/pixel-forge/dungeon-art/actions/runs/9876543210/attempts/1)')
    expect(footer).toContain('Balance as of 2025-06-01 12:34 UTC')
    expect(footer).toContain(`layer-budget-gate ${VERSION}</sub>`)
    expect(VERSION).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version)
  })

  it('says each figure once: the total, the change and the balance only in the headline, no Budget table, no total row', () => {
    const text = renderComment(scenarioReport(), { marker: MARKER })
    expect(text.split('444.025')).toHaveLength(2)
    expect(text.split('12,480.5')).toHaveLength(2)
    expect(text.split('+60.125')).toHaveLength(2)
    expect(text).not.toContain('| Budget |')
    expect(text).not.toMatch(/Total: \d/)
    // The policy shows only where it explains the verdict: a passing comment does not mention the reserve.
    expect(text).not.toMatch(/reserve|2,500/)
    const over = renderComment(scenarioReport(undefined, { balance: 2_887.987 }), { marker: MARKER })
    expect(over.split('\n')[1]).toBe('### ❌ 56.038 CU short of the 2,500 CU reserve')
    expect(over.split('\n\n')[1]).toBe('+60.125 CU in this pull request · 444.025 of 2,887.987 CU · 2,443.962 left')
  })

  it('links each changed name to its line at the head commit, removed ones at the base commit', () => {
    const text = renderComment(scenarioReport(), { marker: MARKER })
    const blob = 'https://github.com/pixel-forge/dungeon-art/blob'
    expect(text).toContain(`| [knight-portraits](${blob}/${SCENARIO_LINKS.headSha}/.layer/generations.yml#L12) | changed |`)
    expect(text).toContain(`| [old-dungeon-tiles](${blob}/${SCENARIO_LINKS.baseSha}/.layer/generations.yml#L52) | removed |`)
    // The breakdown is not linked: one link per changed generation is what a reviewer follows.
    expect(text).toContain('| castle-flyover | ltx-video |')
  })

  it('links a file whose path has spaces, "#", "?", "%" or non-ASCII, and keeps a name that is a URL inert', () => {
    const file = 'art dept/#1 ?x%/ドラゴン (v2).yml'
    const r = report([gen('https://evil.example/[x](y)', { file, line: 7 })], [ok(1)], [], strict, SCENARIO_LINKS)
    const text = renderComment(r, { marker: MARKER })
    const encoded = 'art%20dept/%231%20%3Fx%25/%E3%83%89%E3%83%A9%E3%82%B4%E3%83%B3%20%28v2%29.yml'
    expect(text).toContain(
      `[https&#8203;://evil.example/&#91;x&#93;(y)](https://github.com/pixel-forge/dungeon-art/blob/${SCENARIO_LINKS.headSha}/${encoded}#L7)`,
    )
    expect(text).not.toMatch(/\]\(https:\/\/evil/)
    expect(tablesAreWellFormed(text)).toBe(true)
  })

  it('leaves the marker to the caller when none is given, and keeps within the cap given', () => {
    const text = renderComment(bigReport(5000), { maxChars: 60_000 })
    expect(text.startsWith('### ✅ ')).toBe(true)
    expect(text.length).toBeLessThanOrEqual(60_000)
    expect(text.length).toBeGreaterThan(58_000)
  })

  it('names the failing rule, with the step passing in advisory mode, and lists failures', () => {
    const over = report([gen('a')], [ok(1234, 1000)], undefined, { minRemaining: 0, failOnInsufficient: false })
    const text = renderComment(over, { marker: MARKER })
    expect(text).toContain('### ❌ the workspace would go 234 CU negative · advisory: the step still passes\n\n1,234 of 1,000 CU\n\n')
    // The other rule that fails is said below the figures (the fixture's answer says the workspace cannot pay).
    expect(text).toContain('\n\nAlso Layer says the workspace cannot pay for it (has&#95;sufficient&#95;creative&#95;units: false).\n')
    // One generation priced: the 503 is that generation's problem, not the whole run's (run-failure.ts).
    const broken = report([gen('a', { line: 3 }), gen('b')], [failed('server', 'Layer answered 503 after 5 attempts'), ok(1)])
    expect(renderComment(broken, { marker: MARKER })).toContain(
      '#### Could not price\n\n- a (.layer/generations.yml:3): Layer answered 503 after 5 attempts\n',
    )
  })

  it('says nothing is planned in one sentence instead of an empty breakdown, and that the balance was not read', () => {
    for (const text of [renderComment(report([], []), { marker: MARKER }), renderSummary(report([], []))]) {
      expect(text).toMatch(/^#{2,3} ✅ nothing planned: 0 CU$/m)
      expect(text).toContain('The manifests list no generations, so no estimate was requested and the workspace balance was not read.')
      expect(text).not.toContain('most expensive first')
      expect(text).not.toContain('| Generation |')
    }
  })

  it('keeps the removed generations of a pull request that removes the last one, with the negative change', () => {
    const text = renderComment(report([], [ok(60.125, 1000)], [gen('old-tiles')]), { marker: MARKER })
    expect(text).toMatch(/^### ✅ -60\.125 CU in this pull request · nothing planned$/m)
    expect(text).toContain('The manifests list no generations.')
    expect(text).toMatch(/^\| old-tiles \| removed \|.*\| -60\.125 \|$/m)
  })

  it('leads a warning with its rule and amount, and the figures below it', () => {
    const policy: Policy = { minRemaining: 0, warnRemaining: 500_000_000, failOnInsufficient: true }
    const text = renderComment(report([gen('a')], [ok(512.5, 1000)], undefined, policy), { marker: MARKER })
    expect(text.split('\n').slice(1, 4)).toEqual([
      '### ⚠️ 12.5 CU below the 500 CU warning level (warn-remaining-balance)',
      '',
      '512.5 of 1,000 CU · 487.5 left',
    ])
  })

  it('says in one sentence that nothing changed', () => {
    const text = renderComment(scenarioReport(undefined, { base: 'same' }), { marker: MARKER })
    expect(text).toContain('\n\nNo generation changes in this pull request (7 unchanged).\n\n')
    expect(text).not.toContain('Changed in this pull request')
    expect(text).not.toContain('By group')
  })

  it('shows the base note instead of a diff', () => {
    const plan = buildPlan(WORKSPACE, [gen('a')])
    const outcomes = [ok(1)]
    const r = judgePlan(plan, outcomes, {
      policy: strict,
      baseRead: true,
      baseNote: 'The base manifest is invalid (line 3: unknown key "widht"): no change is shown.',
      balanceAt: 'now',
    }).report
    const text = renderComment(r, { marker: MARKER })
    expect(text).toContain('\n\nℹ️ The base manifest is invalid (line 3: unknown key &quot;widht&quot;): no change is shown.\n\n')
    expect(text).not.toContain('in this pull request')
  })

  it('escapes hostile manifest text everywhere: names, groups, models, errors', () => {
    const hostile = '@octocat #12 | `x` <img src=x onerror=alert(1)>\n- [pwn](https://evil.example)'
    const head = [
      gen(hostile, { group: hostile, modelLabel: hostile, line: 4 }),
      gen(`${hostile} 2`, { group: hostile }),
      gen('- 1. list?'),
    ]
    const outcomes = [ok(5), failed('validation', hostile, [{ loc: ['body', 'prompt'], msg: hostile }]), failed('server', hostile)]
    const text = renderComment(report(head, outcomes), { marker: MARKER })
    expect(onlyOwnTags(text)).toBe(true)
    expect(tablesAreWellFormed(text)).toBe(true)
    expect(pingsNobody(text)).toBe(true)
    expect(text).not.toMatch(/\]\(https:\/\/evil/)
    expect(text).not.toContain('`x`')
    // A failure naming a generation that starts like a list item stays one item.
    expect(text).toContain('- &#45; 1. list?')
    expect(text.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(2)
  })

  it('escapes manifest text in the changed, group and breakdown tables: names, groups and models stay inert', () => {
    const hostile = '@octocat #12 | `x` <b>bold</b> [pwn](https://evil.example)'
    const head = [gen(hostile, { group: hostile, modelLabel: hostile, runs: 2 }), gen('plain', { group: 'ok' })]
    const base = [gen(hostile, { group: hostile, modelLabel: 'knight-style' })]
    const plan = buildPlan(WORKSPACE, head, base)
    const r = judgePlan(plan, [ok(1), ok(2), ok(1)], { policy: strict, baseRead: true, balanceAt: 'now', links: SCENARIO_LINKS }).report
    for (const text of [renderComment(r, { marker: MARKER }), renderSummary(r)]) {
      expect(text).toContain('| Group | Base CU | Head CU | Δ CU |')
      expect(text).toContain('| Generation | Change | Model | Runs |')
      expect(onlyOwnTags(text)).toBe(true)
      expect(tablesAreWellFormed(text)).toBe(true)
      expect(pingsNobody(text)).toBe(true)
      expect(text).not.toMatch(/\]\(https:\/\/evil/)
      expect(text).not.toContain('`x`')
      // The one link of the row is the gate's own, to the line at the head commit.
      const linked = text.split('\n').find((line) => line.includes('| changed |'))!
      expect(linked.match(/\]\(/g)).toHaveLength(1)
      expect(linked).toContain(`](https://github.com/pixel-forge/dungeon-art/blob/${SCENARIO_LINKS.headSha}/.layer/generations.yml#L10)`)
    }
  })

  it('folds a long breakdown into <details>', () => {
    const text = renderComment(bigReport(30), { marker: MARKER })
    expect(text).toContain('<details><summary>Breakdown: 30 generations, most expensive first</summary>\n\n| Generation |')
    // A short one is folded too: the headline and the changes are what a reviewer reads first.
    expect(renderComment(bigReport(2), { marker: MARKER })).toContain(
      '<details><summary>Breakdown: 2 generations, most expensive first</summary>',
    )
    expect(text.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(text).not.toContain('more generations')
  })

  it('stays within 65,536 characters with 5,000 generations, keeping the most expensive ones', () => {
    const big = bigReport(5000)
    const text = renderComment(big, { marker: MARKER })
    expect(text.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(text.length).toBeGreaterThan(COMMENT_MAX_CHARS - 2000)
    expect(text.startsWith(`${MARKER}\n### ✅ `)).toBe(true)
    expect(text).toContain('| gen-4999 | knight-style | 1 | 4&#42; | 5,000 | 5,000 |')
    expect(text).not.toContain('| gen-0 |')
    const more = /_… ([\d,]+) more generations \(([\d,]+) CU\)_/.exec(text)
    expect(more).not.toBeNull()
    const hidden = Number(more![1]!.replace(/,/g, ''))
    // The hidden ones are the cheapest: generation i costs i + 1, so they cost 1 + … + hidden.
    expect(more![2]!.replace(/,/g, '')).toBe(String((hidden * (hidden + 1)) / 2))
    const shown = text.split('\n').filter((line) => /^\| gen-\d+ \|/.test(line)).length
    expect(shown + hidden).toBe(5000)
    expect(text).toContain(`_Showing the ${shown.toLocaleString('en-US')} most expensive generations of 5,000: the job summary`)
    expect(tablesAreWellFormed(text)).toBe(true)
    expect(text.trimEnd().endsWith(`layer-budget-gate ${VERSION}</sub>`)).toBe(true)
  })

  it('keeps the changed table whole within 65,536 characters with 10,000 generations', () => {
    // 10,000 unchanged generations and 30 changed ones (runs 1 -> 2): the breakdown is cut, the changes are not.
    const base = Array.from({ length: 10_000 }, (_, i) => gen(`gen-${i}`, { body: { prompt: `p${i}` } }))
    const head = base.map((g, i) => (i % 333 === 0 ? { ...g, runs: 2 } : g))
    const plan = buildPlan(WORKSPACE, head, base)
    const outcomes = plan.requests.map((_, i) => ok(i + 1, 1e9))
    const r = judgePlan(plan, outcomes, { policy: strict, baseRead: true, balanceAt: 'now', links: SCENARIO_LINKS }).report
    const text = renderComment(r, { marker: MARKER })
    expect(text.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    const changed = text.split('\n').filter((line) => / \| changed \| 1 → 2 \|/.test(line))
    expect(changed).toHaveLength(31)
    expect(text).not.toContain('more changed generation')
    expect(text).toMatch(/_… [\d,]+ more generations \([\d,]+ CU\)_/)
    expect(tablesAreWellFormed(text)).toBe(true)
  })

  it('cuts the changed table only when it alone does not fit, largest changes first', () => {
    const head = Array.from({ length: 3000 }, (_, i) => gen(`added-${i}`.padEnd(100, 'x'), { body: { prompt: `p${i}` } }))
    const r = report(
      head,
      head.map((_, i) => ok(i + 1, 1e9)),
      [],
    )
    const text = renderComment(r, { marker: MARKER })
    expect(text.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(text).toMatch(/_… [\d,]+ more changed generations \(\+[\d,]+ CU\)_/)
    // The largest change is kept, the smallest is not.
    expect(text).toContain('| added-2999')
    expect(text).not.toContain('| added-0x')
  })

  it('stays within the cap with 5,000 generations named by 10,000 hostile characters each', () => {
    const names = ['@', '|', '<', '#1', '`', '\n', '😀', 'a']
    const huge = bigReport(5000, (i) => `${i}`.padEnd(10_000, names[i % names.length]))
    const started = performance.now()
    const text = renderComment(huge, { marker: MARKER })
    // A bound against superlinear work on 50 MB of names (minutes), not a speed figure: the benchmark
    // measures speed, and a busy CI machine takes several seconds for this linear render.
    expect(performance.now() - started).toBeLessThan(15_000)
    expect(text.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(onlyOwnTags(text)).toBe(true)
    expect(tablesAreWellFormed(text)).toBe(true)
    expect(pingsNobody(text)).toBe(true)
    expect(text).toContain('more generations')
  })

  it('keeps many failures within the cap', () => {
    const broken = Array.from({ length: 3000 }, (_, i) => gen(`broken-${i}`.padEnd(300, 'x'), { body: { prompt: `p${i}` } }))
    // One generation priced, so the failures are the generations' own, listed one by one (run-failure.ts).
    const head = [...broken, gen('fine', { body: { prompt: 'fine' } })]
    const outcomes = [...broken.map(() => failed('server', 'Layer answered 503 after 5 attempts'.padEnd(2000, '!'))), ok(1)]
    const text = renderComment(report(head, outcomes), { marker: MARKER })
    expect(text.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(text).toContain('### ❌ could not price 3,000 generations\n')
    expect(text).toMatch(/- _… 2,990 more problems: see the job summary of the workflow run\._/)
  })

  it('renders the compact comment: headline, the top 20 changes and the top 20 rows', () => {
    const text = renderComment(bigReport(100, undefined, []), { marker: MARKER, compact: true })
    expect(text.startsWith(`${MARKER}\n### ✅ +5,050 CU in this pull request · `)).toBe(true)
    expect(text.split('\n').filter((line) => /^\| gen-\d+ \| added \|/.test(line))).toHaveLength(20)
    expect(text).toContain('_… 80 more changed generations (+3,240 CU)_')
    expect(text.split('\n').filter((line) => /^\| gen-\d+ \| knight-style \|/.test(line))).toHaveLength(20)
    expect(text).toContain('_… 80 more generations')
    expect(text.length).toBeLessThan(12_000)
  })

  it('never exceeds maxChars (comment and summary), for any report and any cap', () => {
    const line = fc.record({
      name: fc.string({ unit: 'binary', maxLength: 400 }),
      group: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      runs: fc.integer({ min: 1, max: 1000 }),
      price: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
    })
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.integer({ min: 0, max: 20_000 }), fc.boolean(), (lines, maxChars, compact) => {
        const head = lines.map((l, i) => gen(l.name, { runs: l.runs, group: l.group, body: { prompt: `p${i}` } }))
        const outcomes = lines.map((l) => (l.price === undefined ? failed('server', l.name) : ok(l.price / 1000)))
        const r = report(head, outcomes)
        const text = renderComment(r, { marker: MARKER, maxChars, compact })
        expect(text.length).toBeLessThanOrEqual(maxChars)
        expect(Buffer.byteLength(renderSummary(r, maxChars))).toBeLessThanOrEqual(maxChars)
        if (maxChars >= 6000) {
          expect(onlyOwnTags(text)).toBe(true)
          expect(tablesAreWellFormed(text)).toBe(true)
        }
      }),
      { numRuns: 150 },
    )
  })
})

describe('renderStopComment', () => {
  const problem = (i: number, message = `unknown key "widht" in generations[${i}]: did you mean "width"?`) => ({
    file: '.layer/generations.yml',
    line: 10 + i,
    col: 5,
    title: 'Unknown key',
    message,
  })

  it('says the total is unknown, why, and lists every located problem, with the run link and no balance', () => {
    const text = renderStopComment(
      {
        message: '2 problems in .layer/generations.yml',
        problems: [problem(0), problem(1)],
        commit: '9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d',
        runUrl: 'https://github.com/o/r/actions/runs/1',
      },
      { marker: MARKER },
    )
    expect(text).toBe(
      `${MARKER}\n### ❌ could not price the generations: the total is unknown\n\n2 problems in .layer/generations.yml\n\n` +
        '- .layer/generations.yml:10:5: unknown key &quot;widht&quot; in generations&#91;0&#93;: did you mean &quot;width&quot;?\n' +
        '- .layer/generations.yml:11:5: unknown key &quot;widht&quot; in generations&#91;1&#93;: did you mean &quot;width&quot;?\n\n' +
        '<!-- layer-budget-gate:footer -->\n<sub>Commit 9f2c4e1 · [Workflow run](https://github.com/o/r/actions/runs/1) · ' +
        `layer-budget-gate ${VERSION}</sub>\n`,
    )
  })

  it('escapes hostile text and stays within the cap with thousands of problems', () => {
    const hostile = '@octocat #12 | `x` <img src=x onerror=alert(1)>\n- [pwn](https://evil.example)'
    const problems = Array.from({ length: 5000 }, (_, i) => problem(i, hostile.repeat(20)))
    const text = renderStopComment({ message: `- ${hostile}`, problems }, { marker: MARKER, maxChars: 30_000 })
    expect(text.length).toBeLessThanOrEqual(30_000)
    expect(text.length).toBeGreaterThan(25_000)
    expect(onlyOwnTags(text)).toBe(true)
    expect(pingsNobody(text)).toBe(true)
    expect(text).not.toMatch(/\]\(https:\/\/evil/)
    expect(text).toMatch(/\n- _… [\d,]+ more problems: see the annotations of the workflow run\._\n/)
    // The reason is a paragraph, not a list item, however it starts.
    expect(text.split('\n')[3]!.startsWith('&#45; @&#8203;octocat')).toBe(true)
  })
})

describe('renderSummary', () => {
  it('keeps the full breakdown with group subtotals', () => {
    const text = renderSummary(bigReport(5000))
    expect(text.split('\n').filter((line) => /^\| gen-\d+ \|/.test(line))).toHaveLength(5000)
    expect(text).toContain('| **group-6: 714 generations** |')
    expect(text).not.toContain('<details>')
    expect(text.startsWith('## ✅ ')).toBe(true)
    expect(text).toContain('\n### Breakdown: 5,000 generations, most expensive first\n')
  })

  it('keeps within GitHub’s 1 MiB, counted in UTF-8 bytes, with names of 3-byte characters', () => {
    const r = bigReport(10_000, (i) => `キャラクター・コンセプトアート・ドラゴンナイト${i}`)
    // Under the cap in characters, over it in bytes: what the runner counts.
    const whole = renderSummary(r, Number.POSITIVE_INFINITY)
    expect(whole.length).toBeLessThan(SUMMARY_MAX_BYTES)
    expect(Buffer.byteLength(whole)).toBeGreaterThan(SUMMARY_MAX_BYTES)
    const text = renderSummary(r)
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES)
    expect(Buffer.byteLength(text)).toBeGreaterThan(SUMMARY_MAX_BYTES - 100_000)
    expect(text).toMatch(/_… [\d,]+ more generations \([\d,]+ CU\)_/)
  })

  it('truncates past its cap with a line saying how many were left out', () => {
    const text = renderSummary(bigReport(5000), 100_000)
    expect(text.length).toBeLessThanOrEqual(100_000)
    expect(text).toMatch(/_… [\d,]+ more generations \([\d,]+ CU\)_/)
    expect(text).toContain('the JSON report (report-path) has every generation')
  })
})
