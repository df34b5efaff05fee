/**
 * The package and the action as they are published: the Node versions package.json promises hold for
 * every package bundled into dist/ and for the Node versions CI and the runners use; action.yml
 * carries what the Marketplace asks for.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './helpers/run-action.js'

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  name: string
  description: string
  author?: string
  branding?: { icon?: string; color?: string }
  runs: { using: string }
}
const ci = parse(readFileSync(join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8')) as {
  jobs: Record<string, { strategy?: { matrix?: { node?: (number | string)[] } } }>
}

type Version = [number, number, number]

/** A version as engines ranges write it ("20", "18.17", ">= 14.6"'s "14.6"): missing parts are 0. */
function version(text: string): Version {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text)
  if (!match) throw new Error(`not a version: ${JSON.stringify(text)}`)
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)]
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
}

/**
 * Whether an engines range admits a Node version: the comparators engines fields use (`>=`, `>`, `<=`,
 * `<`, `=`, `||`). Anything else (a caret, an x-range) throws, so a new bundled package with such a
 * range is looked at rather than passed.
 */
function admits(range: string, node: Version): boolean {
  return range.split('||').some((alternative) => {
    const comparators = alternative
      .trim()
      .replace(/([<>=]+)\s+/g, '$1')
      .split(/\s+/)
    return comparators.every((comparator) => {
      const match = /^(>=|<=|>|<|=)?(.+)$/.exec(comparator)
      if (!match || /[\^~xX*]/.test(comparator)) throw new Error(`unsupported engines range: ${JSON.stringify(range)}`)
      const order = compare(node, version(match[2]!))
      switch (match[1]) {
        case '>=':
          return order >= 0
        case '>':
          return order > 0
        case '<=':
          return order <= 0
        case '<':
          return order < 0
        default:
          return order === 0
      }
    })
  })
}

/**
 * The packages whose code is in a bundle, read from its source map: package directory -> engines.node.
 * ncc names sources from the repository's node_modules/ (nested copies under their parent's).
 */
function bundledEngines(map: string, into: Map<string, string | undefined>): void {
  for (const source of (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources) {
    const first = source.indexOf('node_modules/')
    const last = source.lastIndexOf('node_modules/') + 'node_modules/'.length
    if (first < 0) continue
    const [scope, name] = source.slice(last).split('/')
    const dir = source.slice(first, last) + (scope!.startsWith('@') ? `${scope}/${name}` : scope)
    if (into.has(dir)) continue
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { engines?: { node?: string } }
    into.set(dir, manifest.engines?.node)
  }
}

describe('admits', () => {
  it('reads the ranges bundled packages use', () => {
    expect(admits('>=20', [20, 0, 0])).toBe(true)
    expect(admits('>= 20', [19, 9, 9])).toBe(false)
    expect(admits('>=18.17', [18, 16, 9])).toBe(false)
    expect(admits('>=0.6.11 <=0.7.0 || >=0.7.3', [0, 7, 1])).toBe(false)
    expect(admits('>=0.6.11 <=0.7.0 || >=0.7.3', [24, 0, 0])).toBe(true)
    expect(admits('<22', [22, 0, 0])).toBe(false)
    expect(() => admits('^20', [20, 0, 0])).toThrow(/unsupported/)
  })
})

describe('engines', () => {
  const floor = version(/^>=\s*(\S+)$/.exec(pkg.engines.node)?.[1] ?? 'unbounded')
  const ciNodes = Object.values(ci.jobs).flatMap((job) => job.strategy?.matrix?.node ?? [])
  const runnerNode = Number(/^node(\d+)$/.exec(action.runs.using)?.[1])

  it('admits the Node versions CI tests on and the runners run the action on', () => {
    expect(ciNodes.length).toBeGreaterThan(0)
    for (const node of [...ciNodes, runnerNode]) expect([node, admits(pkg.engines.node, version(String(node)))]).toEqual([node, true])
    // The floor promised is a version CI tests.
    expect(ciNodes.map(String)).toContain(String(floor[0]))
  })

  it('holds for every package bundled into dist/, from the lowest Node it promises to the runners', () => {
    // Every chunk of both bundles (the action's and the CLI's), whatever ncc named them.
    const maps = readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js.map'))
    expect(maps).toEqual(expect.arrayContaining(['index.js.map', join('cli', 'index.js.map')]))
    const engines = new Map<string, string | undefined>()
    for (const map of maps) bundledEngines(join(ROOT, 'dist', map), engines)
    expect([...engines.keys()]).toEqual(
      expect.arrayContaining(['node_modules/undici', 'node_modules/@octokit/request', 'node_modules/yaml']),
    )
    for (const [dir, range] of engines) {
      if (range === undefined) continue
      expect([dir, range, admits(range, floor), admits(range, [runnerNode, 0, 0])]).toEqual([dir, range, true, true])
    }
  })
})

describe('action.yml on the Marketplace', () => {
  it('has a name, an author, branding and a description of at most 125 characters', () => {
    expect(action.name).toBe('Layer Budget Gate')
    expect(action.author).toBeTruthy()
    expect(action.description.length).toBeLessThanOrEqual(125)
    expect(action.branding?.icon).toBeTruthy()
    expect(action.branding?.color).toBeTruthy()
  })
})

describe('CHANGELOG.md', () => {
  const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')
  const headings = [...changelog.matchAll(/^## \[([^\]]+)\](.*)$/gm)].map((match) => [match[1]!, match[2]!] as const)

  it('keeps a changelog: Unreleased first, then dated versions, newest first, each with its link', () => {
    expect(headings[0]).toEqual(['Unreleased', ''])
    const versions = headings.slice(1)
    expect(versions.length).toBeGreaterThan(0)
    for (const [name, rest] of versions) {
      expect([name, /^\d+\.\d+\.\d+$/.test(name), /^ - \d{4}-\d{2}-\d{2}$/.test(rest)]).toEqual([name, true, true])
    }
    const dates = versions.map(([, rest]) => rest.slice(3))
    expect(dates).toEqual([...dates].sort().reverse())
    for (const [name] of headings) expect(changelog).toMatch(new RegExp(`^\\[${name.replace(/\./g, '\\.')}\\]: https://\\S+$`, 'm'))
  })

  it('has a section for the version package.json names, which the lock file names too', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      version: string
      packages: Record<string, { version?: string }>
    }
    const { version: current } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(headings.map(([name]) => name)).toContain(current)
    expect([lock.version, lock.packages['']?.version]).toEqual([current, current])
  })
})
