import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { glob } from 'tinyglobby'
import { ConfigError } from '../../src/errors.js'
import { MAX_REMOTE_FILE_BYTES, RemoteFileError, listFilesAt, matchFiles, readFileAt } from '../../src/github/contents.js'
import { createOctokit, type Octokit } from '../../src/github/octokit.js'
import { fastClientOptions, startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../helpers/fake-github.js'

const BASE = '1'.repeat(40)
const HEAD = '2'.repeat(40)
const at = (path: string, ref = HEAD) => ({ owner: 'acme', repo: 'game', path, ref })

let fake: FakeGitHub | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function setup(options: FakeGitHubOptions = {}): Promise<{ fake: FakeGitHub; octokit: Octokit }> {
  fake = await startFakeGitHub(options)
  return { fake, octokit: createOctokit('ghs_token', fastClientOptions(fake)) }
}

describe('readFileAt', () => {
  it('reads the file as it is at each ref', async () => {
    const { octokit } = await setup({
      files: {
        [BASE]: { '.layer/generations.yml': 'version: 1\n# base\n' },
        [HEAD]: { '.layer/generations.yml': 'version: 1\n# head — ünïcode\n' },
      },
    })
    expect(await readFileAt(octokit, at('.layer/generations.yml', BASE))).toBe('version: 1\n# base\n')
    expect(await readFileAt(octokit, at('.layer/generations.yml', HEAD))).toBe('version: 1\n# head — ünïcode\n')
  })

  it('asks for the ref and the nested path GitHub expects', async () => {
    const { fake, octokit } = await setup({ files: { [HEAD]: { 'art dir/set #1/gen.yml': 'x: 1' } } })
    expect(await readFileAt(octokit, at('./art dir/set #1/gen.yml'))).toBe('x: 1')
    expect(fake.requests[0]).toMatchObject({ path: '/repos/acme/game/contents/art dir/set #1/gen.yml', query: { ref: HEAD } })
  })

  it('answers undefined when the file or the commit does not exist', async () => {
    const { octokit } = await setup({ files: { [HEAD]: { 'a.yml': 'a' } } })
    expect(await readFileAt(octokit, at('missing.yml'))).toBeUndefined()
    expect(await readFileAt(octokit, at('a.yml', 'f'.repeat(40)))).toBeUndefined()
  })

  it('refuses a directory, a submodule and a symlink that leaves the repository', async () => {
    const { octokit } = await setup({
      files: {
        [HEAD]: { '.layer/a.yml': 'a', vendor: { submodule: 'https://github.com/x/y.git' }, 'link.yml': { symlink: '../../etc/passwd' } },
      },
    })
    await expect(readFileAt(octokit, at('.layer'))).rejects.toThrow(
      new RemoteFileError(
        '.layer at 2222222 in acme/game is a directory, not a file: name the manifest file itself or use a glob such as ".layer/*.yml".',
      ),
    )
    await expect(readFileAt(octokit, at('vendor'))).rejects.toThrow(/is a git submodule, not a file/)
    await expect(readFileAt(octokit, at('link.yml'))).rejects.toThrow(/symbolic link to "\.\.\/\.\.\/etc\/passwd"/)
  })

  it('reads a file over 1 MB, which the contents API sends without content, through the raw media type', async () => {
    const big = `version: 1\n${'# padding line\n'.repeat(120_000)}`
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024)
    const { fake, octokit } = await setup({ files: { [HEAD]: { 'big.yml': big } } })
    expect(await readFileAt(octokit, at('big.yml'))).toBe(big)
    expect(fake.requests).toHaveLength(2)
    expect(fake.requests[1]?.headers['accept']).toBe('application/vnd.github.raw+json')
  })

  it('reads raw bytes when GitHub labels them application/octet-stream', async () => {
    const big = `version: 1\n${'é'.repeat(600_000)}`
    const { octokit } = await setup({ rawContentType: 'application/octet-stream', files: { [HEAD]: { 'big.yml': big } } })
    expect(await readFileAt(octokit, at('big.yml'))).toBe(big)
  })

  it('refuses a file over 5 MiB before downloading it', async () => {
    const { fake, octokit } = await setup({ files: { [HEAD]: { 'huge.yml': Buffer.alloc(MAX_REMOTE_FILE_BYTES + 1, 0x61) } } })
    await expect(readFileAt(octokit, at('huge.yml'))).rejects.toThrow(
      'huge.yml at 2222222 in acme/game is 5.0 MiB, over the 5 MiB limit for a manifest: split it into several files.',
    )
    expect(fake.requests).toHaveLength(1)
  })

  it('refuses bytes that are not UTF-8', async () => {
    const { octokit } = await setup({ files: { [HEAD]: { 'latin1.yml': Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]) } } })
    await expect(readFileAt(octokit, at('latin1.yml'))).rejects.toThrow(
      'latin1.yml at 2222222 in acme/game is not UTF-8 text: save the manifest as UTF-8.',
    )
  })

  it.each(['../secrets.yml', '/etc/passwd', 'a/../../b.yml', 'C:\\x.yml', ''])('refuses the path %j before any request', async (path) => {
    const { fake, octokit } = await setup()
    await expect(readFileAt(octokit, at(path))).rejects.toBeInstanceOf(ConfigError)
    expect(fake.requests).toHaveLength(0)
  })

  it('says to grant contents: read on a 403', async () => {
    const { fake, octokit } = await setup()
    fake.fail({ path: /\/contents\//, status: 403, body: { message: 'Resource not accessible by integration' } })
    const error = await readFileAt(octokit, at('a.yml')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RemoteFileError)
    expect((error as RemoteFileError).status).toBe(403)
    expect((error as Error).message).toBe(
      'Could not read a.yml at 2222222 in acme/game from GitHub (403): the token may not read the repository contents; give the job `permissions: contents: read`.',
    )
  })
})

describe('listFilesAt', () => {
  it('lists every file of the commit, recursively, without directories or submodules', async () => {
    const { fake, octokit } = await setup({
      files: {
        [HEAD]: {
          '.layer/generations.yml': 'a',
          '.layer/more/b.yml': 'b',
          'README.md': 'r',
          vendor: { submodule: 'https://x/y.git' },
          'ln.yml': { symlink: 'README.md' },
        },
        [BASE]: { 'old.yml': 'o' },
      },
    })
    expect((await listFilesAt(octokit, { owner: 'acme', repo: 'game', ref: HEAD })).sort()).toEqual(
      ['.layer/generations.yml', '.layer/more/b.yml', 'README.md', 'ln.yml'].sort(),
    )
    expect(await listFilesAt(octokit, { owner: 'acme', repo: 'game', ref: BASE })).toEqual(['old.yml'])
    expect(fake.requests[0]).toMatchObject({ path: `/repos/acme/game/git/trees/${HEAD}`, query: { recursive: 'true' } })
  })

  it('fails closed when GitHub truncates the tree', async () => {
    const { octokit } = await setup({ truncatedTrees: true, files: { [HEAD]: { 'a.yml': 'a' } } })
    await expect(listFilesAt(octokit, { owner: 'acme', repo: 'game', ref: HEAD })).rejects.toThrow(
      'The file list of acme/game at 2222222 is too large for one GitHub API answer (truncated), so globs cannot be matched reliably: list the manifest paths in `manifest` without wildcards.',
    )
  })

  it('names the commit it cannot find', async () => {
    const { octokit } = await setup()
    await expect(listFilesAt(octokit, { owner: 'acme', repo: 'game', ref: BASE })).rejects.toThrow(
      `Could not read the file list of acme/game at 1111111: GitHub knows no commit "${BASE}" there, or the token cannot see the repository (404).`,
    )
  })

  it('lists nothing for an empty repository (409)', async () => {
    const { fake, octokit } = await setup()
    fake.fail({ path: /git\/trees/, status: 409, body: { message: 'Git Repository is empty.' } })
    expect(await listFilesAt(octokit, { owner: 'acme', repo: 'game', ref: HEAD })).toEqual([])
  })
})

describe('matchFiles', () => {
  const PATHS = [
    '.layer/generations.yml',
    '.layer/extra/more.yml',
    '.layer/notes.md',
    'game/.layer/c.yml',
    'game/levels/l1.yml',
    'game/levels/l2.yaml',
    'top.yml',
    'dir with space/f.yml',
    'docs/readme.md',
  ]

  it('matches literal paths, globs, directories and exclusions, in the order given', () => {
    expect(matchFiles(PATHS, ['.layer/generations.yml'])).toEqual(['.layer/generations.yml'])
    expect(matchFiles(PATHS, ['./top.yml'])).toEqual(['top.yml'])
    expect(matchFiles(PATHS, ['.layer/*.yml'])).toEqual(['.layer/generations.yml'])
    expect(matchFiles(PATHS, ['.layer/**/*.yml'])).toEqual(['.layer/generations.yml', '.layer/extra/more.yml'])
    expect(matchFiles(PATHS, ['game/**/*.{yml,yaml}'])).toEqual(['game/levels/l1.yml', 'game/levels/l2.yaml'])
    expect(matchFiles(PATHS, ['**/*.yml', '!game/**'])).toEqual(['top.yml', 'dir with space/f.yml'])
    expect(matchFiles(PATHS, ['.layer'])).toEqual(['.layer/generations.yml', '.layer/extra/more.yml', '.layer/notes.md'])
    expect(matchFiles(PATHS, ['missing.yml'])).toEqual([])
    expect(matchFiles([], ['**/*'])).toEqual([])
  })

  it('follows tinyglobby options, e.g. dot', () => {
    expect(matchFiles(PATHS, ['**/*.yml'])).not.toContain('.layer/generations.yml')
    expect(matchFiles(PATHS, ['**/*.yml'], { dot: true })).toContain('.layer/generations.yml')
  })

  it.each(['../x.yml', '/etc/*.yml', 'a/../../*.yml', '!../x', 'C:/x.yml', '..'])('refuses the pattern %j', (pattern) => {
    expect(() => matchFiles(PATHS, [pattern])).toThrow(ConfigError)
    expect(() => matchFiles(PATHS, [pattern])).toThrow(`The manifest pattern "${pattern}" points outside the repository`)
  })

  describe('means what a local tinyglobby glob means', () => {
    let dir = ''
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'match-files-'))
      for (const path of PATHS) {
        await mkdir(dirname(join(dir, path)), { recursive: true })
        await writeFile(join(dir, path), 'x')
      }
    })
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true })
    })

    it.each([
      [['**/*.yml']],
      [['**']],
      [['*']],
      [['.layer/**']],
      [['game']],
      [['game/']],
      [['**/levels/*']],
      [['**/*.y?ml']],
      [['**/.layer/*.yml']],
      [['**/*.yml', '!**/levels/**']],
      [['dir with space/*']],
      [['game/levels/l[12].y*ml']],
      [['+(top|docs)/**', 'top.yml']],
    ])('%j', async (patterns) => {
      const local = await glob(patterns, { cwd: dir })
      expect(matchFiles(PATHS, patterns).sort()).toEqual(local.sort())
      const localDot = await glob(patterns, { cwd: dir, dot: true })
      expect(matchFiles(PATHS, patterns, { dot: true }).sort()).toEqual(localDot.sort())
    })
  })
})
