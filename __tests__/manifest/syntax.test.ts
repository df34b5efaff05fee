import { describe, expect, it } from '@jest/globals'
import { parseManifest } from '../../src/manifest/parse.js'

const at = (text: string) => parseManifest('m.yml', text).problems.map((p) => `${p.line}:${p.col} ${p.message}`)

describe('a YAML syntax error, placed where it starts', () => {
  it('puts an unclosed quote where it opened, not at the end of the file', () => {
    expect(at('version: 1\ngenerations:\n  - name: "hero\n    model_id: x\n    runs: 2\n')).toEqual([
      '3:11 invalid YAML: the " opened here ("hero) is never closed: end the text with ", or remove the quote',
    ])
    // '' inside single quotes is a quote, not the end; the earlier closed quotes are not blamed.
    expect(at("version: 1\nworkspace_id: 'x'\ngenerations:\n  - name: 'it''s\n    runs: 2\n")).toEqual([
      "4:11 invalid YAML: the ' opened here ('it''s) is never closed: end the text with ', or remove the quote",
    ])
    expect(at('a: "x\\"y"\nb: "open\n')).toEqual([
      '2:4 invalid YAML: the " opened here ("open) is never closed: end the text with ", or remove the quote',
    ])
  })

  it('says an unclosed quote once, not again as the bracket it swallowed', () => {
    expect(at('version: 1\ngenerations:\n  - {name: "a}\n  - name: b\n')).toEqual([
      '3:12 invalid YAML: the " opened here ("a}) is never closed: end the text with ", or remove the quote',
    ])
  })

  it('puts an unclosed bracket where it opened', () => {
    expect(at('version: 1\ngenerations: [\n  {name: a\n')).toEqual([
      '2:14 invalid YAML: the [ opened here starts a list that is never closed: end it with ] (or write it one item per line, without brackets)',
      '3:3 invalid YAML: the { opened here starts a mapping that is never closed: end it with } (or write it one item per line, without brackets)',
    ])
  })

  it('keeps the excerpt short and free of control characters', () => {
    const [problem] = at(`a: "\u001b[2J\u009b${'x'.repeat(500)}\n`)
    expect(problem).toMatch(/^1:4 invalid YAML: the " opened here \("\?\[2J\?x+…\) is never closed/)
    expect(problem!.length).toBeLessThan(160)
  })

  it('leaves other syntax errors where the parser places them', () => {
    expect(at('version: 1\ngenerations:\n  - name: a\n   bad: 1\n')).toEqual(['4:1 invalid YAML: Sequence item without - indicator'])
  })
})
