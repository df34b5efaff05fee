/**
 * action.yml, every workflow of .github/workflows/ and examples/workflows/, and every workflow snippet
 * of the README, validated with GitHub's Actions language service (@actions/languageservice, the
 * engine of the official editor extension): the schema, expressions, and this action's inputs in
 * every step that uses it, checked against action.yml.
 */
import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import type { ActionsDiagnostic, ActionsLanguageRequest, KnownAction } from './helpers/actions-language.js'
import { ROOT } from './helpers/run-action.js'

const run = promisify(execFile)
const THIS_ACTION = 'layer-budget-gate/layer-budget-gate'
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Required<KnownAction>

/**
 * The actions the workflows may use. This one is described by its action.yml; GitHub's own are known
 * to exist, their inputs not checked (no network here). Any other action is an error.
 */
const ACTIONS: Record<string, KnownAction> = {
  [THIS_ACTION]: { name: action.name, description: action.description, inputs: action.inputs, outputs: action.outputs },
  'actions/checkout': { name: 'Checkout', description: 'GitHub’s checkout' },
  'actions/setup-node': { name: 'Setup Node.js', description: 'GitHub’s setup-node' },
  'actions/upload-artifact': { name: 'Upload a Build Artifact', description: 'GitHub’s upload-artifact' },
}

interface Source {
  /** The file a person opens. */
  name: string
  uri: string
  text: string
  /** The file's line of the text's first line, less the lines added before it (a snippet without `on:`). */
  firstLine: number
}

/** The diagnostics of each source, as `name:line:col: message`; an empty list is a clean file. */
async function validate(sources: Source[], actions: Record<string, KnownAction> = ACTIONS): Promise<string[][]> {
  const request: ActionsLanguageRequest = { documents: sources.map(({ uri, text }) => ({ uri, text })), actions }
  const helper = join(ROOT, '__tests__', 'helpers', 'actions-language.ts')
  const child = run(process.execPath, ['--import', 'tsx', helper], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })
  child.child.stdin!.end(JSON.stringify(request))
  const results = JSON.parse((await child).stdout) as ActionsDiagnostic[][]
  return results.map((diagnostics, i) =>
    diagnostics.map(({ message, range }) => {
      const source = sources[i]!
      const line = source.firstLine + range.start.line
      return `${source.name}:${line}:${range.start.character + 1}: ${message}`
    }),
  )
}

/**
 * A step that uses this repository's own action (`uses: ./`) is checked as the published action:
 * the service checks inputs only of actions it can name. The line count stays the same.
 */
function asPublished(text: string): string {
  return text.replace(/^(\s*(?:- )?uses:\s*)\.\/?(\s*(?:#.*)?)$/gm, `$1${THIS_ACTION}@local$2`)
}

function file(path: string): Source {
  return { name: path, uri: `file:///repository/${path}`, text: asPublished(readFileSync(join(ROOT, path), 'utf8')), firstLine: 1 }
}

function workflowsIn(dir: string): Source[] {
  return readdirSync(join(ROOT, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => file(`${dir}/${name}`))
}

/** The README's ```yaml blocks that are workflows (they have `jobs:`); a fragment without `on:` gets one. */
function readmeSnippets(readme: string): Source[] {
  const snippets: Source[] = []
  for (const match of readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)) {
    const text = match[1]!
    const document = parse(text) as Record<string, unknown> | null
    if (document === null || typeof document !== 'object' || !('jobs' in document)) continue
    const line = readme.slice(0, match.index).split('\n').length + 1
    const prefix = 'on' in document ? '' : 'on: pull_request\n'
    snippets.push({
      name: 'README.md',
      uri: `file:///repository/README.md.line-${line}.yml`,
      text: prefix + asPublished(text),
      firstLine: prefix ? line - 1 : line,
    })
  }
  return snippets
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const sources = [file('action.yml'), ...workflowsIn('.github/workflows'), ...workflowsIn('examples/workflows'), ...readmeSnippets(readme)]

describe("GitHub's Actions language service", () => {
  it('finds every file and snippet to check', () => {
    const names = sources.map((source) => source.name)
    expect(names).toEqual(expect.arrayContaining(['action.yml', '.github/workflows/ci.yml', '.github/workflows/release.yml']))
    expect(names.filter((name) => name.startsWith('examples/workflows/')).length).toBeGreaterThan(0)
    // Every ```yaml block with jobs: is one; the manifest examples are not workflows.
    expect(names.filter((name) => name === 'README.md').length).toBe(
      [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].filter((m) => /^jobs:/m.test(m[1]!)).length,
    )
    // The inputs of this action are checked wherever it is used, ./ included.
    expect(sources.filter((source) => source.text.includes(`uses: ${THIS_ACTION}@`)).length).toBeGreaterThan(5)
  })

  it('reports nothing on action.yml, the workflows, the examples and the README snippets', async () => {
    const diagnostics = await validate(sources)
    expect(diagnostics.flat()).toEqual([])
  }, 60000)

  it('reports an invented input, a missing required input, an unknown action and a bad icon (the check can fail)', async () => {
    const snippet = readmeSnippets(readme)[0]!
    const lineOf = (text: string) => readme.split('\n').findIndex((line) => line.includes(text)) + 1
    const invented = { ...snippet, text: snippet.text.replace('min-remaining-balance:', 'min-remaining-balanse:') }
    const missing = { ...snippet, text: snippet.text.replace(/^\s*layer-token: .*\n/m, '') }
    const unknown = { ...snippet, text: snippet.text.replace('actions/checkout@', 'actions/checkoot@') }
    const icon = { ...file('action.yml'), text: file('action.yml').text.replace(/^(\s*icon:) .*$/m, '$1 no-such-icon') }
    const [inventedFound, missingFound, unknownFound, iconFound] = await validate([invented, missing, unknown, icon])
    expect(inventedFound).toEqual([`README.md:${lineOf('min-remaining-balance:')}:11: Invalid action input 'min-remaining-balanse'`])
    expect(missingFound).toEqual([expect.stringMatching(/Missing required input `layer-token`/)])
    expect(unknownFound).toEqual([expect.stringMatching(/Unable to resolve action `actions\/checkoot@/)])
    expect(iconFound).toEqual([expect.stringMatching(/^action\.yml:\d+:\d+: .*no-such-icon/)])
  }, 60000)
})
