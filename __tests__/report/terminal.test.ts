import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { Writable } from 'node:stream'
import { formatProblem, painter, progressReporter, renderTerminal, textTable } from '../../src/report/terminal.js'
import { scenarioReport } from '../fixtures/report/scenario.js'

/** A stream that keeps what is written, as a terminal (isTTY) or as a pipe. */
class Capture extends Writable {
  text = ''
  constructor(readonly isTTY: boolean) {
    super()
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

const plain = (_code: string, text: string) => text

describe('textTable', () => {
  it('aligns columns as the table says and shortens long cells', () => {
    const text = textTable({
      header: ['Name', 'CU'],
      align: ['left', 'right'],
      rows: [
        { kind: 'line', cells: ['a', '1.5'] },
        { kind: 'line', cells: ['x'.repeat(100), '1,234'] },
      ],
    })
    const lines = text.split('\n')
    expect(lines[2]).toMatch(/^a {59}\s+1\.5$/)
    expect(lines[3]).toMatch(/^x{59}…\s+1,234$/)
    expect(lines.every((line) => line.length <= 60 + 2 + 5)).toBe(true)
  })

  it('turns control characters into spaces, so a name cannot move the cursor', () => {
    const text = textTable({ header: ['Name'], align: ['left'], rows: [{ kind: 'line', cells: ['a\u001b[2Jb\r\nc'] }] })
    expect(text.split('\n')[2]).toBe('a [2Jb  c')
  })

  it('formats problems like a compiler', () => {
    expect(formatProblem({ file: 'a.yml', line: 3, col: 7, title: 'Unknown key', message: 'unknown key "x"' })).toBe(
      'a.yml:3:7: error: unknown key "x"',
    )
  })
})

describe('painter', () => {
  it('colours only a TTY, and not with a non-empty NO_COLOR', () => {
    expect(painter(new Capture(true), {})('1;32', 'ok')).toBe('\u001b[1;32mok\u001b[0m')
    expect(painter(new Capture(true), { NO_COLOR: '' })('1;32', 'ok')).toBe('\u001b[1;32mok\u001b[0m')
    expect(painter(new Capture(true), { NO_COLOR: '1' })('1;32', 'ok')).toBe('ok')
    expect(painter(new Capture(false), {})('1;32', 'ok')).toBe('ok')
  })
})

describe('renderTerminal', () => {
  it('prints the status in its colour, then what changed, the groups and the breakdown with outputs', () => {
    const report = scenarioReport()
    const text = renderTerminal(report, (code, line) => `<${code}>${line}</>`)
    const [status, blank, ...rest] = text.split('\n')
    expect(status).toBe('<1;32>✅ 444.025 of 12,480.5 CU · 12,036.475 left</>')
    expect(blank).toBe('')
    expect(rest[0]).toBe('Changed:')
    expect(text).toMatch(/^knight-portraits +changed +4 → 6 +12 → 12\.5 +48 → 75 +\+27$/m)
    expect(text).toMatch(/^cinematics +192\.5 +240\.625 +\+48\.125$/m)
    expect(text).toContain('\n\nBy group:\nGroup ')
    expect(text).toMatch(/^Generation +Model +Runs +Outputs +CU per run +Total CU +Share$/m)
    expect(text).toMatch(/^tavern-props +knight-style +12 +48\* +3\.2 +38\.4 +8\.6%$/m)
    expect(text).toContain('\n* batch_size not set: Layer makes 4 outputs per run\n')
    expect(text.endsWith('\n')).toBe(true)
    expect(text).not.toContain('Could not price')
  })

  it('colours over budget red and an unknown total yellow, and lists what could not be priced', () => {
    const over = scenarioReport({ minRemaining: 12_480_000_000, failOnInsufficient: true })
    expect(renderTerminal(over, (code) => code).split('\n')[0]).toBe('1;31')
    const unknown = { ...over, verdict: { ...over.verdict, status: 'error' as const }, failures: ['ui-icons: Layer refused the token'] }
    const text = renderTerminal(unknown, plain)
    expect(renderTerminal(unknown, (code) => code).split('\n')[0]).toBe('1;33')
    expect(text.endsWith('\n\nCould not price:\n  - ui-icons: Layer refused the token\n')).toBe(true)
  })

  it('leaves out the run’s failure, which the CLI says once as its error', () => {
    const over = scenarioReport({ minRemaining: 12_480_000_000, failOnInsufficient: true })
    const run = 'Layer refused the token (401 Unauthorized): check LAYER_API_TOKEN'
    const failed = { ...over, verdict: { ...over.verdict, status: 'error' as const }, runFailure: run }
    expect(renderTerminal({ ...failed, failures: [run] }, plain)).not.toMatch(/Could not price:|refused/)
    expect(renderTerminal({ ...failed, failures: [run, 'the sum is too large'] }, plain)).toMatch(
      /\n\nCould not price:\n {2}- the sum is too large\n$/,
    )
  })
})

describe('renderTerminal: warning and nothing planned', () => {
  it('colours a warning yellow, and says nothing is planned instead of an empty breakdown', () => {
    const warned = scenarioReport({ minRemaining: 0, warnRemaining: 12_100_000_000, failOnInsufficient: true })
    expect(warned.verdict.status).toBe('warn')
    const text = renderTerminal(warned, (code, line) => `<${code}>${line}</>`)
    expect(text.split('\n').slice(0, 2)).toEqual([
      '<1;33>⚠️ 63.525 CU below the 12,100 CU warning level (warn-remaining-balance)</>',
      '+60.125 CU in this pull request · 444.025 of 12,480.5 CU · 12,036.475 left',
    ])
    const empty = renderTerminal(
      {
        ...warned,
        verdict: { ...warned.verdict, status: 'within', balance: undefined, remaining: undefined, total: 0, reasons: [], breaches: [] },
        lines: [],
        entries: 0,
        requests: 0,
        delta: undefined,
      },
      plain,
    )
    expect(empty).toBe(
      '✅ nothing planned: 0 CU\n\nThe manifests list no generations, so no estimate was requested and the workspace balance was not read.\n',
    )
    expect(empty).not.toContain('Generation')
  })
})

describe('progressReporter', () => {
  afterEach(() => {
    jest.useRealTimers()
  })

  it('stays quiet for the first second, then rewrites one line on a TTY', () => {
    jest.useFakeTimers({ now: 0 })
    const stderr = new Capture(true)
    const progress = progressReporter(stderr)
    progress.update(1, 10)
    expect(stderr.text).toBe('')
    jest.setSystemTime(1500)
    progress.update(5, 10)
    jest.setSystemTime(1600)
    progress.update(6, 10) // under 250 ms since the last line: skipped
    progress.update(10, 10) // the last one is always shown
    progress.done()
    expect(stderr.text).toBe('\rpricing: 5/10 estimate requests\rpricing: 10/10 estimate requests\n')
  })

  it('writes whole lines to a pipe, and nothing at all for a quick run', () => {
    jest.useFakeTimers({ now: 0 })
    const quick = new Capture(false)
    const fast = progressReporter(quick)
    fast.update(10, 10)
    fast.done()
    expect(quick.text).toBe('')
    const piped = new Capture(false)
    const slow = progressReporter(piped)
    jest.setSystemTime(2000)
    slow.update(3, 4)
    slow.done()
    expect(piped.text).toBe('pricing: 3/4 estimate requests\n')
  })
})

describe('renderTerminal: simulated prices', () => {
  it('says under the status line that the prices are made up, only when they are', () => {
    const lines = renderTerminal({ ...scenarioReport(), simulated: true }, plain).split('\n')
    expect(lines[1]).toBe(
      '⚠️ Made-up prices: these estimates come from the local simulator, not from Layer; they say nothing about what Layer would charge',
    )
    expect(renderTerminal(scenarioReport(), plain)).not.toMatch(/made-up|simulator/i)
  })
})
