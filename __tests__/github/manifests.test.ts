import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { ManifestError } from '../../src/errors.js'
import { loadBaseManifests, loadManifestsAt, type CommitRef } from '../../src/github/manifests.js'
import { createOctokit, type Octokit } from '../../src/github/octokit.js'
import { loadManifests } from '../../src/manifest/load.js'
import { fastClientOptions, startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../helpers/fake-github.js'

const SHA = '3'.repeat(40)
const MODEL = '3c90c3cc-0d44-4b50-8888-8dd25736052a'

function manifest(...names: string[]): string {
  return `version: 1\ngenerations:\n${names.map((n) => `  - name: ${n}\n    model_id: ${MODEL}\n    prompt: ${n}\n`).join('')}`
}

let fake: FakeGitHub | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(files: Record<string, string>, options: FakeGitHubOptions = {}): Promise<{ fake: FakeGitHub; octokit: Octokit }> {
  fake = await startFakeGitHub({ files: { [SHA]: files }, ...options })
  return { fake, octokit: createOctokit('ghs_token', fastClientOptions(fake)) }
}

const at = (...patterns: string[]): CommitRef => ({ owner: 'acme', repo: 'game', ref: SHA, patterns })
const names = (manifests: { file: string; generations: { name: string }[] }[]) =>
  manifests.flatMap((m) => m.generations.map((g) => `${m.file}:${g.name}`))
const trees = (f: FakeGitHub) => f.requests.filter((r) => r.path.includes('/git/trees/')).length

const REPO_FILES: Record<string, string> = {
  '.layer/generations.yml': manifest('knight'),
  '.layer/extra/more.yml': manifest('castle'),
  'game/levels/l1.yml': manifest('level-one'),
  'node_modules/pkg/evil.yml': 'not: [yaml',
  '.git/hooks/x.yml': 'not: [yaml',
  'docs/readme.md': '# docs',
}

describe('loadManifestsAt', () => {
  it('reads literal paths directly, without listing the tree', async () => {
    const { fake, octokit } = await setup(REPO_FILES)
    const manifests = await loadManifestsAt(octokit, at('./.layer/generations.yml', 'game/levels/l1.yml'))
    expect(names(manifests)).toEqual(['.layer/generations.yml:knight', 'game/levels/l1.yml:level-one'])
    expect(trees(fake)).toBe(0)
  })

  it('reads literal paths even when the tree is too large to list', async () => {
    const { octokit } = await setup(REPO_FILES, { truncatedTrees: true })
    expect(names(await loadManifestsAt(octokit, at('.layer/generations.yml')))).toEqual(['.layer/generations.yml:knight'])
    await expect(loadManifestsAt(octokit, at('.layer/*.yml'))).rejects.toThrow(/truncated/)
  })

  it('fails on a literal path missing at the commit, even when other patterns matched (as in the workspace)', async () => {
    const { octokit } = await setup(REPO_FILES)
    await expect(loadManifestsAt(octokit, at('.layer/generations.yml', '.layer/typo.yml'))).rejects.toThrow(
      new ManifestError(
        'no manifest found at .layer/typo.yml in commit 3333333 (input `manifest`): add it to the pull request or point `manifest` at your file',
      ),
    )
    await expect(loadManifestsAt(octokit, at('nothing/*.yml'))).rejects.toThrow(/no manifest found at nothing\/\*\.yml/)
  })

  it('fails with every located problem of an invalid manifest', async () => {
    const { octokit } = await setup({ 'a.yml': manifest('x').replace('prompt', 'promt') })
    const error = await loadManifestsAt(octokit, at('a.yml')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ManifestError)
    expect((error as ManifestError).problems).toEqual([
      expect.objectContaining({ file: 'a.yml', line: 5, message: expect.stringMatching(/promt/) }),
    ])
  })

  describe('picks the same files as the workspace loader for the same glob', () => {
    it.each([['**/*.yml'], ['.layer/**'], ['**/generations.yml'], ['*/*.yml'], ['**/*.yml', '!game/**']])('%j', async (...patterns) => {
      const dir = await mkdtemp(join(tmpdir(), 'manifests-at-'))
      try {
        const { octokit } = await setup(REPO_FILES)
        const readable = Object.fromEntries(
          Object.entries(REPO_FILES).filter(([path]) => !path.includes('node_modules') && !path.startsWith('.git/')),
        )
        for (const [path, text] of Object.entries({ ...readable, 'node_modules/pkg/evil.yml': 'not: [yaml' })) {
          await mkdir(dirname(join(dir, path)), { recursive: true })
          await writeFile(join(dir, path), text)
        }
        const local = await loadManifests(dir, patterns)
        const remote = await loadManifestsAt(octokit, at(...patterns))
        expect(names(remote)).toEqual(names(local))
        expect(names(remote).length).toBeGreaterThan(0)
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    })
  })
})

describe('loadBaseManifests', () => {
  it('gives an empty base when the manifest is missing there: everything is added', async () => {
    const { octokit } = await setup({ 'README.md': '# x' })
    expect(await loadBaseManifests(octokit, at('.layer/generations.yml'))).toEqual({ base: [] })
  })

  it('names the first problem when the base is invalid, and counts the rest', async () => {
    const { octokit } = await setup({ 'a.yml': manifest('x', 'y').replace(/prompt/g, 'promt') })
    const { base, baseNote } = await loadBaseManifests(octokit, at('a.yml'))
    expect(base).toBeUndefined()
    expect(baseNote).toMatch(
      /^The manifests at the base commit 3333333 are invalid \(a\.yml:5: .*"promt".*; 2 problems in a\.yml in all\), so there is no change to show\.$/,
    )
  })

  it('gives a note, not a failure, when the base cannot be read', async () => {
    const { octokit } = await setup(REPO_FILES, {
      failures: [{ path: /contents/, status: 403, times: 5, body: { message: 'Resource not accessible by integration' } }],
    })
    const { base, baseNote } = await loadBaseManifests(octokit, at('.layer/generations.yml'))
    expect(base).toBeUndefined()
    expect(baseNote).toMatch(/could not be read \(.*403.*contents: read.*\), so there is no change to show/)
  })
})
