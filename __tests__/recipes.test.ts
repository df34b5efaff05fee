/**
 * The workflow recipes (README and examples/workflows/) are safe to copy: every action is pinned to
 * a full commit SHA with its version beside it, a pull-request trigger has no `paths:` filter (a
 * required check must report on every pull request) and names its event types, and runs are grouped
 * per pull request.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { VERSION } from '../src/version.js'
import { ROOT } from './helpers/run-action.js'

interface Workflow {
  on?: Record<string, { types?: string[]; paths?: string[]; 'paths-ignore'?: string[] } | null>
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean }
  jobs?: Record<string, unknown>
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const examplesDir = join(ROOT, 'examples', 'workflows')
const recipes: [string, string][] = [
  ...[...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m, i): [string, string] => [`README yaml block ${i + 1}`, m[1]!])
    .filter(([, text]) => /^jobs:/m.test(text)),
  ...readdirSync(examplesDir).map((name): [string, string] => [
    `examples/workflows/${name}`,
    readFileSync(join(examplesDir, name), 'utf8'),
  ]),
]
const workflows = recipes.filter(([, text]) => /^on:/m.test(text))
const SHA_PIN = /^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/
const OUR_PIN = `layer-budget-gate/layer-budget-gate@<commit-sha-of-v${VERSION}> # v${VERSION}`

describe('workflow recipes', () => {
  it('are found: the README quick start, the skip, fork, organisation and audit recipes and the examples', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(8)
    expect(recipes.map(([where]) => where)).toEqual(
      expect.arrayContaining(['examples/workflows/organisation.yml', 'examples/workflows/skip-unless-manifests.yml']),
    )
  })

  it.each(recipes)('%s pins every action to a full commit SHA, its version in a comment', (_, text) => {
    const uses = [...text.matchAll(/uses: (.+)$/gm)].map((m) => m[1]!.trim())
    expect(uses.length).toBeGreaterThan(0)
    for (const use of uses) {
      if (use.startsWith('layer-budget-gate/')) expect(use).toBe(OUR_PIN)
      else expect(use).toMatch(SHA_PIN)
    }
  })

  it.each(workflows)('%s: a pull-request trigger reports on every pull request, one run per pull request', (_, text) => {
    const workflow = parse(text) as Workflow
    for (const event of ['pull_request', 'pull_request_target'] as const) {
      if (!workflow.on || !(event in workflow.on)) continue
      const trigger = workflow.on[event] ?? {}
      expect(trigger.paths).toBeUndefined()
      expect(trigger['paths-ignore']).toBeUndefined()
      // An approved exception (approval-label) is re-judged when its label comes or goes.
      const labels = /approval-label:/.test(text) ? ['labeled', 'unlabeled'] : []
      expect(trigger.types).toEqual(['opened', 'synchronize', 'reopened', ...labels])
      expect(workflow.concurrency?.group).toContain('${{ github.event.pull_request.number || github.ref }}')
      expect(workflow.concurrency?.['cancel-in-progress']).toBe(true)
    }
    if (workflow.on && 'pull_request_review' in workflow.on) {
      expect(workflow.on['pull_request_review']?.types).toEqual(['submitted', 'dismissed'])
      expect(workflow.concurrency?.group).toContain('${{ github.event.pull_request.number || github.ref }}')
    }
    if (workflow.on && 'merge_group' in workflow.on) expect(workflow.on['merge_group']?.types).toEqual(['checks_requested'])
  })

  it('explain why a required check has no paths filter, and require the workflow organisation-wide', () => {
    expect(readme).toContain('No `paths:` filter on a required check')
    expect(readme).toContain('Require workflows to pass before merging')
  })
})
