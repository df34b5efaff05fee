import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../../src/pricing/plan.js'
import { judgePlan } from '../../src/pipeline.js'
import {
  breakdownRows,
  breakdownTable,
  changeCounts,
  changedRows,
  changedTable,
  defaultBatchNote,
  groupTable,
  nothingChanged,
  nothingPlanned,
  outputsText,
  shareText,
} from '../../src/report/rows.js'
import { modelName } from '../../src/report/words.js'
import type { Generation, Policy, Report, ReportLinks, RequestOutcome } from '../../src/types.js'
import { WORKSPACE, failed, gen, ok } from '../fixtures/report/generations.js'
import { SCENARIO_LINKS, scenarioReport } from '../fixtures/report/scenario.js'

const strict: Policy = { minRemaining: 0, failOnInsufficient: true }

function report(head: Generation[], outcomes: RequestOutcome[], policy: Policy = strict, base?: Generation[], links?: ReportLinks): Report {
  const plan = buildPlan(WORKSPACE, head, base)
  return judgePlan(plan, outcomes, { policy, baseRead: base !== undefined, balanceAt: '2025-06-01T12:00:00Z', links }).report
}

describe('breakdownRows', () => {
  it('lists generations most expensive first with model, runs, outputs, unit, total and share; no total row', () => {
    const r = report(
      [gen('small', { runs: 1 }), gen('big', { runs: 1000, modelLabel: 'ltx-video' }), gen('tiny'), gen('broken')],
      [ok(10), ok(7.5), ok(0.001), failed('server', 'Layer answered 503')],
    )
    // The total is unknown: no Share column (it would be "—" on every row).
    expect(breakdownRows(r)).toEqual([
      ['Generation', 'Model', 'Runs', 'Outputs', 'CU per run', 'Total CU'],
      ['big', 'ltx-video', '1,000', '4,000*', '7.5', '7,500'],
      ['small', 'knight-style', '1', '4*', '10', '10'],
      ['tiny', 'knight-style', '1', '4*', '0.001', '0.001'],
      ['broken', 'knight-style', '1', '4*', '—', 'not priced'],
    ])
    expect(breakdownTable(r).align).toEqual(['left', 'left', 'right', 'right', 'right', 'right'])
  })

  it('gives shares of the total, "<0.1%" when tiny', () => {
    const r = report([gen('big', { runs: 1000 }), gen('small'), gen('tiny')], [ok(7.5), ok(10), ok(0.001)])
    expect(breakdownRows(r).map((row) => row[6])).toEqual(['Share', '99.9%', '0.1%', '<0.1%'])
    expect(shareText(1, 8)).toBe('12.5%')
    expect(shareText(0, 8)).toBe('0.0%')
    expect(shareText(1, 0)).toBe('—')
  })

  it('counts outputs as runs × batch_size, marking Layer’s default of 4 when batch_size is left out', () => {
    const r = report([gen('set', { runs: 3, body: { batch_size: 2 } }), gen('unset', { runs: 3 })], [ok(2), ok(1)])
    expect(breakdownRows(r).map((row) => [row[0], row[3]])).toEqual([
      ['Generation', 'Outputs'],
      ['set', '6'],
      ['unset', '12*'],
    ])
    expect(outputsText(1000, 16)).toBe('16,000')
    expect(outputsText(2, undefined)).toBe('8*')
    expect(defaultBatchNote(r)).toBe('* batch_size not set: Layer makes 4 outputs per run')
    expect(defaultBatchNote(report([gen('set', { body: { batch_size: 1 } })], [ok(1)]))).toBeUndefined()
  })

  it('shows a model by its alias, else its UUID shortened', () => {
    expect(modelName('3c90c3cc-0d44-4b50-8888-8dd25736052a')).toBe('3c90c3cc…')
    expect(modelName('knight-style')).toBe('knight-style')
    expect(modelName('3c90c3cc-not-a-uuid')).toBe('3c90c3cc-not-a-uuid')
    const r = report([gen('a', { modelLabel: '3C90C3CC-0D44-4B50-8888-8DD25736052A' })], [ok(1)])
    expect(breakdownRows(r)[1]![1]).toBe('3C90C3CC…')
  })

  it('adds the file to the name when generations come from several manifests', () => {
    const r = report([gen('a', { file: 'art/a.yml' }), gen('a', { file: 'art/b.yml' })], [ok(2), ok(1)])
    expect(breakdownRows(r).map((row) => row[0])).toEqual(['Generation', 'a (art/a.yml)', 'a (art/b.yml)'])
  })

  it('heads each group with its subtotal, groups most expensive first, ungrouped last', () => {
    const r = report(
      [gen('k', { group: 'characters', runs: 2 }), gen('m', { group: 'characters' }), gen('loose'), gen('castle', { group: 'cinematics' })],
      [ok(10), ok(5), ok(100), ok(30)],
    )
    expect(breakdownRows(r)).toEqual([
      ['Generation', 'Model', 'Runs', 'Outputs', 'CU per run', 'Total CU', 'Share'],
      ['cinematics: 1 generation', '', '', '', '', '30', '19.4%'],
      ['castle', 'knight-style', '1', '4*', '30', '30', '19.4%'],
      ['characters: 2 generations', '', '', '', '', '25', '16.1%'],
      ['k', 'knight-style', '2', '8*', '10', '20', '12.9%'],
      ['m', 'knight-style', '1', '4*', '5', '5', '3.2%'],
      ['(no group): 1 generation', '', '', '', '', '100', '64.5%'],
      ['loose', 'knight-style', '1', '4*', '100', '100', '64.5%'],
    ])
    expect(breakdownTable(r).rows.map((row) => row.kind)).toEqual(['subtotal', 'line', 'subtotal', 'line', 'line', 'subtotal', 'line'])
  })

  it('lists only what the head plans: removed generations are in the changed table', () => {
    expect(breakdownRows(scenarioReport())).toEqual([
      ['Generation', 'Model', 'Runs', 'Outputs', 'CU per run', 'Total CU', 'Share'],
      ['cinematics: 2 generations', '', '', '', '', '240.625', '54.2%'],
      ['castle-flyover', 'ltx-video', '2', '2', '96.25', '192.5', '43.4%'],
      ['castle-flyover-teaser', 'ltx-video', '1', '1', '48.125', '48.125', '10.8%'],
      ['characters: 2 generations', '', '', '', '', '125', '28.2%'],
      ['knight-portraits', 'knight-style', '6', '12', '12.5', '75', '16.9%'],
      ['mage-portraits', 'knight-style', '4', '4', '12.5', '50', '11.3%'],
      ['environment: 2 generations', '', '', '', '', '68.4', '15.4%'],
      ['tavern-props', 'knight-style', '12', '48*', '3.2', '38.4', '8.6%'],
      ['forest-tiles', 'knight-style', '40', '160*', '0.75', '30', '6.8%'],
      ['(no group): 1 generation', '', '', '', '', '10', '2.3%'],
      ['ui-icons', '3c90c3cc…', '25', '100*', '0.4', '10', '2.3%'],
    ])
    expect(changeCounts(scenarioReport())).toBe('1 added, 1 changed, 1 removed, 5 unchanged')
  })

  it('keeps the most expensive lines when limited, flat, with a row for the rest', () => {
    const r = report(
      [gen('a', { group: 'g' }), gen('b'), gen('c'), gen('d'), gen('e')],
      [ok(50), ok(40), ok(1.5), ok(1.25), failed('server', 'x'), ok(3)],
      strict,
      [gen('gone')],
    )
    // Plan order of requests: a, b, c, d, e (head) then gone (base).
    expect(breakdownRows(r, { limit: 2 })).toEqual([
      ['Generation', 'Model', 'Runs', 'Outputs', 'CU per run', 'Total CU'],
      ['a', 'knight-style', '1', '4*', '50', '50'],
      ['b', 'knight-style', '1', '4*', '40', '40'],
      ['… 3 more generations (2.75 CU, 1 not priced)', '', '', '', '', ''],
    ])
    expect(breakdownRows(r, { limit: 0 })[1]![0]).toBe('… 5 more generations (92.75 CU, 1 not priced)')
    expect(breakdownRows(r, { limit: 5 })).toEqual(breakdownRows(r))
  })

  it('is only a header for an empty manifest (the renderers show a sentence instead)', () => {
    expect(breakdownRows(report([], []))).toEqual([['Generation', 'Model', 'Runs', 'Outputs', 'CU per run', 'Total CU']])
  })
})

describe('changedRows', () => {
  it('lists only added, changed and removed generations, largest change first, before → after for what changed', () => {
    expect(changedRows(scenarioReport())).toEqual([
      ['Generation', 'Change', 'Runs', 'CU per run', 'Total CU', 'Δ CU'],
      ['castle-flyover-teaser', 'added', '1', '48.125', '48.125', '+48.125'],
      ['knight-portraits', 'changed', '4 → 6', '12 → 12.5', '48 → 75', '+27'],
      ['old-dungeon-tiles', 'removed', '20', '0.75', '15', '-15'],
    ])
  })

  it('links each generation to its line: at the head commit, removed ones at the base commit', () => {
    const hrefs = changedTable(scenarioReport())!.rows.map((row) => row.href)
    expect(hrefs).toEqual([
      `https://github.com/pixel-forge/dungeon-art/blob/${SCENARIO_LINKS.headSha}/.layer/generations.yml#L37`,
      `https://github.com/pixel-forge/dungeon-art/blob/${SCENARIO_LINKS.headSha}/.layer/generations.yml#L12`,
      `https://github.com/pixel-forge/dungeon-art/blob/${SCENARIO_LINKS.baseSha}/.layer/generations.yml#L52`,
    ])
    // Without links (the CLI, an audit) the names are plain.
    const plain = report([gen('a')], [ok(1)], strict, [])
    expect(changedTable(plain)!.rows[0]!.href).toBeUndefined()
  })

  it('adds a Model column, before → after, only when some model changed', () => {
    const head = [gen('a', { modelLabel: 'ltx-video', modelId: '0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c' }), gen('b', { runs: 2 })]
    const base = [gen('a', { modelLabel: '3c90c3cc-0d44-4b50-8888-8dd25736052a' }), gen('b')]
    const r = report(head, [ok(3), ok(1), ok(2)], strict, base)
    expect(changedRows(r)).toEqual([
      ['Generation', 'Change', 'Model', 'Runs', 'CU per run', 'Total CU', 'Δ CU'],
      ['a', 'changed', '3c90c3cc… → ltx-video', '1', '2 → 3', '2 → 3', '+1'],
      ['b', 'changed', 'knight-style', '1 → 2', '1', '1 → 2', '+1'],
    ])
  })

  it('says "not priced" for a head generation without a price, and an unknown Δ', () => {
    const r = report([gen('a', { runs: 2 })], [failed('server', 'x'), ok(1)], strict, [gen('a', { body: { prompt: 'old' } })])
    expect(changedRows(r)[1]).toEqual(['a', 'changed', '1 → 2', '1 → —', '1 → not priced', '—'])
  })

  it('cuts to the largest changes when limited, with a row for the rest and their Δ', () => {
    const head = [gen('a'), gen('b'), gen('c')]
    const r = report(head, [ok(5), ok(1), ok(2)], strict, [])
    expect(changedRows(r, { limit: 1 })).toEqual([
      ['Generation', 'Change', 'Runs', 'CU per run', 'Total CU', 'Δ CU'],
      ['a', 'added', '1', '5', '5', '+5'],
      ['… 2 more changed generations (+3 CU)', '', '', '', '', ''],
    ])
  })

  it('is absent without a diff and when nothing changed; then one sentence says so', () => {
    expect(changedTable(report([gen('a')], [ok(1)]))).toBeUndefined()
    expect(nothingChanged(report([gen('a')], [ok(1)]))).toBeUndefined()
    const same = scenarioReport(undefined, { base: 'same' })
    expect(changedTable(same)).toBeUndefined()
    expect(nothingChanged(same)).toBe('No generation changes in this pull request (7 unchanged).')
    expect(nothingChanged(scenarioReport())).toBeUndefined()
  })
})

describe('groupTable', () => {
  it('gives each group its base, head and Δ on a diff', () => {
    expect(groupTable(scenarioReport())).toEqual({
      header: ['Group', 'Base CU', 'Head CU', 'Δ CU'],
      align: ['left', 'right', 'right', 'right'],
      rows: [
        { kind: 'line', cells: ['cinematics', '192.5', '240.625', '+48.125'] },
        { kind: 'line', cells: ['characters', '98', '125', '+27'] },
        { kind: 'line', cells: ['environment', '83.4', '68.4', '-15'] },
        { kind: 'line', cells: ['(no group)', '10', '10', '0'] },
      ],
    })
  })

  it('keeps a group whose generations were all removed', () => {
    const r = report([gen('a', { group: 'kept' })], [ok(2), ok(3)], strict, [gen('gone', { group: 'old', runs: 2 })])
    expect(groupTable(r)!.rows.map((row) => row.cells)).toEqual([
      ['kept', '0', '2', '+2'],
      ['old', '6', '0', '-6'],
    ])
  })

  it('is absent without groups, without a diff, and when nothing changed', () => {
    expect(groupTable(report([gen('a')], [ok(1)], strict, []))).toBeUndefined()
    expect(groupTable(scenarioReport(undefined, { base: 'none' }))).toBeUndefined()
    expect(groupTable(scenarioReport(undefined, { base: 'same' }))).toBeUndefined()
  })
})

describe('nothingPlanned', () => {
  it('stands for the breakdown only when the manifests list no generation, and says whether the balance was read', () => {
    expect(nothingPlanned(report([gen('a')], [ok(1)]))).toBeUndefined()
    expect(nothingPlanned(report([], []))).toBe(
      'The manifests list no generations, so no estimate was requested and the workspace balance was not read.',
    )
    expect(nothingPlanned(report([], [ok(1)], strict, [gen('old')]))).toBe('The manifests list no generations.')
  })
})
