import { describe, expect, it } from '@jest/globals'
import { caretExcerpt, formatSourceProblem, lineOf, terminalSafe } from '../../src/cli/source.js'
import type { Problem } from '../../src/problem.js'

const plain = (_code: string, text: string) => text

describe('problems with their line and a caret', () => {
  it('puts the caret under the column', () => {
    const problem: Problem = { file: 'a.yml', line: 4, col: 15, title: 'Unknown model alias', message: '"nope" is not a model' }
    const text = 'version: 1\ngenerations:\n  - name: x\n    model_id: nope\n'
    const lines = formatSourceProblem(problem, text, plain).split('\n')
    expect(lines).toEqual(['a.yml:4:15: error: "nope" is not a model', '4 |     model_id: nope', '  |               ^'])
    expect(lines[2]!.indexOf('^')).toBe(lines[1]!.indexOf('nope'))
  })

  it('aligns by code points, not UTF-16 units', () => {
    // "🎨" is two UTF-16 units, one character on screen: the reader's col 11 is the "x" after it.
    const [source, caret] = caretExcerpt('name: "🎨 x', 9, 11)
    expect(source).toBe('9 | name: "🎨 x')
    expect([...caret].indexOf('^')).toBe([...source].indexOf('x'))
  })

  it('never lets a control character reach the terminal, C1 included', () => {
    const text = 'name: "\u001b[31mred\u009b2J\u202e"'
    expect(terminalSafe(text)).toBe('name: "?[31mred?2J?"')
    const out = formatSourceProblem({ file: 'a.yml', line: 1, col: 7, title: 't', message: 'bad \u0007 bell' }, text, plain)
    // eslint-disable-next-line no-control-regex -- what must not be there
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
    expect(out).toContain('bad ? bell')
  })

  it('shows a window of a long line around the column', () => {
    const long = `${'a'.repeat(300)}X${'b'.repeat(300)}`
    const [source, caret] = caretExcerpt(long, 1, 301)
    expect([...source].length).toBeLessThan(120)
    expect([...caret].indexOf('^')).toBe([...source].indexOf('X'))
  })

  it('prints the bare problem when the line is not known', () => {
    const problem: Problem = { file: 'a.yml', line: 9, col: 1, title: 't', message: 'm' }
    expect(formatSourceProblem(problem, 'one line\n', plain)).toBe('a.yml:9:1: error: m')
    expect(formatSourceProblem(problem, undefined, plain)).toBe('a.yml:9:1: error: m')
  })

  it('reads a line without its line break', () => {
    expect(lineOf('a\r\nb\nc', 1)).toBe('a')
    expect(lineOf('a\r\nb\nc', 3)).toBe('c')
    expect(lineOf('a\n', 3)).toBeUndefined()
  })
})
