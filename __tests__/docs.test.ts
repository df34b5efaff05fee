/** The README, action.yml, package.json and the code agree with each other. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { INPUT_DEFAULTS } from '../src/config.js'
import { VERSION } from '../src/version.js'
import { ROOT } from './helpers/run-action.js'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
  branding: { icon: string; color: string }
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> }

/** The rows of the Markdown table under a `## heading`: first cell (backticks removed) -> second cell. */
function tableUnder(heading: string): Map<string, string> {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  const rows = section.split('\n').filter((line) => line.startsWith('| `'))
  return new Map(
    rows.map((row) => {
      const cells = row.split('|').map((cell) => cell.trim())
      return [cells[1]!.replace(/`/g, ''), (cells[2] ?? '').replace(/`/g, '')]
    }),
  )
}

describe('action.yml', () => {
  it('runs dist/index.js on node24 with branding', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.branding.icon).toBeTruthy()
    expect(action.branding.color).toBeTruthy()
  })

  it('declares every input the code reads, with a description and the same default', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort())
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.length).toBeGreaterThan(10)
      // A required input has no default (a default would make "required" meaningless); every other has one.
      expect([name, 'default' in input]).toEqual([name, input.required !== true])
      if (input.required) continue
      const expected = name === 'github-token' ? '${{ github.token }}' : INPUT_DEFAULTS[name]
      expect([name, input.default]).toEqual([name, expected])
    }
  })

  it('declares every output of SPEC section 5', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([
      'balance-creative-units',
      'comment-url',
      'committed-creative-units',
      'delta-creative-units',
      'entries',
      'remaining-creative-units',
      'report-path',
      'requests',
      'status',
      'sufficient',
      'total-creative-units',
    ])
  })
})

describe('README', () => {
  it('lists every input of action.yml with its default', () => {
    const table = tableUnder('Inputs')
    expect([...table.keys()].sort()).toEqual(Object.keys(action.inputs).sort())
    for (const [name, input] of Object.entries(action.inputs)) {
      const shown = table.get(name)
      if (input.required) expect(shown).toBe('(required)')
      else expect([name, shown]).toEqual([name, input.default ?? ''])
    }
  })

  it('lists every output of action.yml', () => {
    expect([...tableUnder('Outputs').keys()].sort()).toEqual(Object.keys(action.outputs).sort())
  })

  it("has a 'Try it' section whose commands are npm scripts", () => {
    const tryIt = readme.split('\n## Try it\n')[1]?.split('\n## ')[0] ?? ''
    expect(tryIt).toContain('npm ci')
    expect(tryIt).toContain('npm run demo')
    expect(tryIt).toContain('npm run test:all')
    expect(pkg.scripts.demo).toBeTruthy()
    expect(pkg.scripts.test).toBeTruthy()
    expect(pkg.scripts['test:all']).toBeTruthy()
    expect(pkg.scripts['test:e2e']).toBeTruthy()
  })

  it('points editors at the published JSON Schema', () => {
    expect(readme).toMatch(/# yaml-language-server: \$schema=\S+\/schema\/generations\.schema\.json/)
  })
})

describe('version', () => {
  it('is the same in package.json and the code', () => {
    expect(VERSION).toBe(pkg.version)
  })
})
