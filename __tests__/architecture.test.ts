/**
 * The layout's rules, checked on the sources: no import cycle in src/, the leaf vocabulary imports
 * nothing, and no source file over 400 lines without a reason written at its top.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { ROOT } from './helpers/run-action.js'

const SRC = join(ROOT, 'src')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Each source file's relative imports (static `import … from`, `export … from` and `import(…)`), as files under src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8')
    const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)\.js'/g)].map((m) => m[1]!)
    graph.set(relative(SRC, file), [...new Set(specs.map((spec) => relative(SRC, resolve(dirname(file), `${spec}.ts`))))])
  }
  return graph
}

describe('the layout of src/', () => {
  const graph = importGraph()

  it('reads every source file and resolves every relative import to one of them', () => {
    expect(graph.size).toBeGreaterThan(40)
    for (const [file, imports] of graph) for (const imported of imports) expect([file, graph.has(imported)]).toEqual([file, true])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '))
        return
      }
      state.set(file, 'open')
      for (const next of graph.get(file) ?? []) visit(next, [...path, file])
      state.set(file, 'done')
    }
    for (const file of graph.keys()) visit(file, [])
    expect(cycles).toEqual([])
  })

  it('keeps the vocabulary a leaf: problem.ts and secrets.ts import nothing of the project', () => {
    expect(graph.get('problem.ts')).toEqual([])
    expect(graph.get('secrets.ts')).toEqual([])
  })

  it('has no source file over 400 lines without a reason at its top', () => {
    const long = [...graph.keys()]
      .map((file) => ({ file, text: readFileSync(join(SRC, file), 'utf8') }))
      .filter(({ text }) => text.split('\n').length > 400 && !/^\/\*\*[\s\S]*?Over 400 lines because/.test(text))
      .map(({ file }) => file)
    expect(long).toEqual([])
  })
})
