import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, realpath, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { isDynamicPattern } from 'tinyglobby'
import { ManifestError } from '../../src/errors.js'
import { checkManifestFile, GLOB_CHARACTERS, readManifestFile, resolveManifestFiles } from '../../src/manifest/files.js'
import { loadManifests } from '../../src/manifest/load.js'

const MODEL = '3c90c3cc-0d44-4b50-8888-8dd25736052a'
const VALID = `version: 1\ngenerations:\n  - name: a\n    model_id: ${MODEL}\n`

let workspace: string
let outside: string

async function put(relative: string, text: string): Promise<void> {
  const full = path.join(workspace, relative)
  await mkdir(path.dirname(full), { recursive: true })
  await writeFile(full, text)
}

/** The ManifestError a promise rejects with (fails the test when it resolves or throws something else). */
async function failure(promise: Promise<unknown>): Promise<ManifestError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(ManifestError)
  return error as ManifestError
}

beforeEach(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'lbg-ws-'))
  outside = await mkdtemp(path.join(tmpdir(), 'lbg-out-'))
  await writeFile(path.join(outside, 'secret.yml'), VALID)
})

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true })
  await rm(outside, { recursive: true, force: true })
})

describe('resolveManifestFiles', () => {
  it('finds the default manifest by its path', async () => {
    await put('.layer/generations.yml', VALID)
    expect(await resolveManifestFiles(workspace, ['.layer/generations.yml'])).toEqual(['.layer/generations.yml'])
  })

  it('expands globs (dot directories included), sorts and de-duplicates', async () => {
    await put('.layer/b.yml', VALID)
    await put('.layer/a.yml', VALID)
    await put('.layer/nested/c.yaml', VALID)
    await put('.layer/notes.txt', 'not a manifest')
    await put('node_modules/pkg/.layer/x.yml', VALID)
    expect(await resolveManifestFiles(workspace, ['.layer/*.yml', ' ./.layer/a.yml ', '', '**/*.{yml,yaml}'])).toEqual([
      '.layer/a.yml',
      '.layer/b.yml',
      '.layer/nested/c.yaml',
    ])
  })

  it('accepts an absolute path inside the workspace, and a workspace reached through a symlink', async () => {
    await put('plan.yml', VALID)
    expect(await resolveManifestFiles(workspace, [path.join(workspace, 'plan.yml')])).toEqual(['plan.yml'])
    const link = path.join(outside, 'ws-link')
    await symlink(workspace, link)
    expect(await resolveManifestFiles(link, ['plan.yml'])).toEqual(['plan.yml'])
    expect(await resolveManifestFiles(link, [path.join(await realpath(workspace), 'plan.yml')])).toEqual(['plan.yml'])
  })

  it('names the path tried and the input when the manifest is missing', async () => {
    const error = await failure(resolveManifestFiles(workspace, ['.layer/generations.yml']))
    expect(error.message).toBe('no manifest found at .layer/generations.yml (input `manifest`); create it or point `manifest` at your file')
    expect(error.problems).toEqual([])
    const globs = await failure(resolveManifestFiles(workspace, ['.layer/*.yml', 'plans/**/*.yml'], { origin: 'the command line' }))
    expect(globs.message).toBe(
      'no manifest found at .layer/*.yml, plans/**/*.yml (the command line); create it or point `manifest` at your file',
    )
  })

  it('fails on a missing named file even when a glob matched, but not on an empty glob', async () => {
    await put('.layer/a.yml', VALID)
    expect(await resolveManifestFiles(workspace, ['.layer/*.yml', 'extra/*.yml'])).toEqual(['.layer/a.yml'])
    const error = await failure(resolveManifestFiles(workspace, ['.layer/*.yml', '.layer/typo.yml']))
    expect(error.message).toContain('no manifest found at .layer/typo.yml (input `manifest`)')
  })

  it('refuses an empty input and a directory', async () => {
    expect((await failure(resolveManifestFiles(workspace, [' ', '']))).message).toBe('no manifest given (input `manifest` is empty)')
    await put('.layer/a.yml', VALID)
    expect((await failure(resolveManifestFiles(workspace, ['.layer']))).message).toBe(
      'manifest .layer is a directory; name a file, or a glob such as .layer/*.yml (input `manifest`)',
    )
  })

  it.each([['../secret.yml'], ['.layer/../../secret.yml'], ['{..,.}/secret.yml'], ['../**/*.yml']])(
    'refuses the pattern %s, which climbs out of the workspace',
    async (pattern) => {
      const error = await failure(resolveManifestFiles(workspace, [pattern]))
      expect(error.message).toMatch(/^manifest pattern ".*" \(it uses "\.\."\) is outside the workspace; refusing to read it/)
    },
  )

  it('refuses an absolute path outside the workspace', async () => {
    const error = await failure(resolveManifestFiles(workspace, [path.join(outside, 'secret.yml')]))
    expect(error.message).toBe(
      `manifest path "${path.join(outside, 'secret.yml')}" is outside the workspace; refusing to read it (manifests must live in the repository)`,
    )
  })

  it('refuses a named symlink that points outside, and allows one that stays inside', async () => {
    await put('.layer/real.yml', VALID)
    await symlink(path.join(outside, 'secret.yml'), path.join(workspace, '.layer/evil.yml'))
    await symlink(path.join(workspace, '.layer/real.yml'), path.join(workspace, 'inside.yml'))
    const error = await failure(resolveManifestFiles(workspace, ['.layer/evil.yml']))
    expect(error.message).toBe(
      'manifest .layer/evil.yml (it links to a file outside) is outside the workspace; refusing to read it (manifests must live in the repository)',
    )
    expect(await resolveManifestFiles(workspace, ['inside.yml'])).toEqual(['inside.yml'])
  })

  it('never follows symlinks while globbing, and refuses a match under a linked directory', async () => {
    await put('.layer/real.yml', VALID)
    await symlink(path.join(outside, 'secret.yml'), path.join(workspace, '.layer/evil.yml'))
    await symlink(outside, path.join(workspace, 'linked'))
    expect(await resolveManifestFiles(workspace, ['**/*.yml'])).toEqual(['.layer/real.yml'])
    const error = await failure(resolveManifestFiles(workspace, ['linked/*.yml']))
    expect(error.message).toContain('manifest linked/secret.yml (it links to a file outside) is outside the workspace')
  })

  it('reports a broken symlink', async () => {
    await symlink(path.join(workspace, 'nowhere.yml'), path.join(workspace, 'broken.yml'))
    const error = await failure(resolveManifestFiles(workspace, ['broken.yml']))
    expect(error.message).toContain('no manifest found at broken.yml')
  })
})

describe('GLOB_CHARACTERS (a plain path needs no glob library)', () => {
  it('is in every pattern tinyglobby calls dynamic', () => {
    const unit = fc.constantFrom(...'ab.-_/,~#$%&=;: \'"`^|<>*?[]{}()!+@\\é'.split(''), '..', '**', '{a,b}', '[ab]', '@(a)', '\\*')
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (parts) => {
        const pattern = parts.join('')
        if (isDynamicPattern(pattern)) expect([pattern, GLOB_CHARACTERS.test(pattern)]).toEqual([pattern, true])
      }),
      { numRuns: 3000 },
    )
  })

  it('is not in the default manifest path, which is then never handed to the glob library', () => {
    expect(GLOB_CHARACTERS.test('.layer/generations.yml')).toBe(false)
    expect(GLOB_CHARACTERS.test('.layer/*.yml')).toBe(true)
  })
})

describe('readManifestFile', () => {
  it('reads UTF-8 text and drops a byte-order mark', async () => {
    await put('a.yml', `\uFEFF${VALID}`)
    expect(await readManifestFile(workspace, 'a.yml')).toBe(VALID)
  })

  it('refuses a file over the cap by its size, with a located problem', async () => {
    await put('big.yml', 'x'.repeat(101))
    const error = await failure(readManifestFile(workspace, 'big.yml', 100))
    expect(error.problems).toEqual([
      {
        file: 'big.yml',
        line: 1,
        col: 1,
        title: 'Manifest too large',
        message: 'big.yml is 101 bytes; a manifest may be at most 100 bytes: split it into several files',
      },
    ])
    await put('big.yml', 'x'.repeat(2049))
    expect((await failure(readManifestFile(workspace, 'big.yml', 2048))).problems).toEqual([
      {
        file: 'big.yml',
        line: 1,
        col: 1,
        title: 'Manifest too large',
        message: 'big.yml is 2049 bytes; a manifest may be at most 2 KiB (2048 bytes): split it into several files',
      },
    ])
    expect(await readManifestFile(workspace, 'big.yml', 2049)).toHaveLength(2049)
  })

  it('applies the 5 MiB default cap', async () => {
    await put('huge.yml', '')
    await truncate(path.join(workspace, 'huge.yml'), 5 * 1024 * 1024 + 1) // sparse: no 5 MiB written
    const error = await failure(readManifestFile(workspace, 'huge.yml'))
    expect(error.message).toBe('huge.yml is 5242881 bytes; a manifest may be at most 5 MiB (5242880 bytes): split it into several files')
  })

  it('refuses bytes that are not UTF-8', async () => {
    await writeFile(path.join(workspace, 'latin1.yml'), Buffer.from([0x76, 0x3a, 0x20, 0xe9, 0x0a]))
    const error = await failure(readManifestFile(workspace, 'latin1.yml'))
    expect(error.problems[0]).toMatchObject({ file: 'latin1.yml', line: 1, col: 1, title: 'Not UTF-8' })
  })

  it('refuses paths that leave the workspace, by .. or by symlink', async () => {
    expect((await failure(readManifestFile(workspace, '../x/secret.yml'))).message).toContain('is outside the workspace')
    await symlink(path.join(outside, 'secret.yml'), path.join(workspace, 'evil.yml'))
    expect((await failure(readManifestFile(workspace, 'evil.yml'))).message).toContain('is outside the workspace')
  })
})

describe('loadManifests', () => {
  it('returns every valid manifest, in path order', async () => {
    await put('.layer/b.yml', VALID)
    await put('.layer/a.yml', VALID.replace('name: a', 'name: other'))
    const manifests = await loadManifests(workspace, ['.layer/*.yml'])
    expect(manifests.map((m) => [m.file, m.generations[0]?.name])).toEqual([
      ['.layer/a.yml', 'other'],
      ['.layer/b.yml', 'a'],
    ])
  })

  it('throws one ManifestError with every problem of every file', async () => {
    await put('.layer/a.yml', `${VALID}    widht: 1\n    heigth: 2\n`)
    await put('.layer/b.yml', 'version: 1\ngenerations:\n  - name: a\n    model_id: nope\n    batch_size: 99\n')
    await put('.layer/ok.yml', VALID)
    const error = await failure(loadManifests(workspace, ['.layer/*.yml']))
    expect(error.message).toBe('4 problems in 2 manifests (.layer/a.yml, .layer/b.yml)')
    expect(error.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.title}`)).toEqual([
      '.layer/a.yml:5:5 Unknown key',
      '.layer/a.yml:6:5 Unknown key',
      '.layer/b.yml:4:15 Unknown model alias',
      '.layer/b.yml:5:17 Invalid value',
    ])
  })

  it('counts a file that is too large as a problem alongside the others', async () => {
    await put('.layer/a.yml', `${VALID}    widht: 1\n`)
    await put('.layer/b.yml', '')
    await truncate(path.join(workspace, '.layer/b.yml'), 6 * 1024 * 1024)
    const error = await failure(loadManifests(workspace, ['.layer/*.yml']))
    expect(error.message).toBe('2 problems in 2 manifests (.layer/a.yml, .layer/b.yml)')
    expect(error.problems[1]).toMatchObject({ file: '.layer/b.yml', title: 'Manifest too large' })
  })

  it('says "N problems in <file>" for one file', async () => {
    await put('.layer/generations.yml', 'version: 1\ngenerations: 3\n')
    const error = await failure(loadManifests(workspace, ['.layer/generations.yml']))
    expect(error.message).toBe('1 problem in .layer/generations.yml')
  })
})

describe('only regular files of the workspace, outside .git/, are opened', () => {
  const GIT_CONFIG = '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46c2VjcmV0\n'

  it('refuses a FIFO by its path without opening it (opening one would block), and a glob skips it', async () => {
    await mkdir(path.join(workspace, '.layer'))
    execFileSync('mkfifo', [path.join(workspace, '.layer/generations.yml')])
    const started = Date.now()
    const refused =
      'manifest .layer/generations.yml is a FIFO (named pipe), not a regular file; refusing to open it: point `manifest` at a YAML file of the repository'
    expect((await failure(resolveManifestFiles(workspace, ['.layer/generations.yml']))).message).toBe(refused)
    expect((await failure(readManifestFile(workspace, '.layer/generations.yml'))).message).toBe(refused)
    expect((await failure(loadManifests(workspace, ['.layer/generations.yml']))).message).toBe(refused)
    expect((await failure(loadManifests(workspace, ['.layer/*.yml']))).message).toContain('no manifest found at .layer/*.yml')
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('refuses a symlink into .git/ before reading it, and never quotes the file', async () => {
    await put('.git/config', GIT_CONFIG)
    await mkdir(path.join(workspace, '.layer'))
    await symlink('../.git/config', path.join(workspace, '.layer/generations.yml'))
    for (const attempt of [
      () => resolveManifestFiles(workspace, ['.layer/generations.yml']),
      () => readManifestFile(workspace, '.layer/generations.yml'),
      () => loadManifests(workspace, ['.layer/generations.yml']),
    ]) {
      const error = await failure(attempt())
      expect(error.message).toContain('manifest .layer/generations.yml links to .git/config, inside .git/')
      expect(error.message).not.toContain('eC1h')
      expect(error.problems).toEqual([])
    }
  })

  it('refuses a manifest named inside .git/, and a link to a .git directory of a submodule', async () => {
    await put('.git/config', GIT_CONFIG)
    await put('vendor/lib/.git/config', GIT_CONFIG)
    await symlink(path.join(workspace, 'vendor/lib/.git/config'), path.join(workspace, 'sub.yml'))
    expect((await failure(resolveManifestFiles(workspace, ['.git/config']))).message).toContain('manifest .git/config is inside .git/')
    expect((await failure(readManifestFile(workspace, 'sub.yml'))).message).toContain('links to vendor/lib/.git/config, inside .git/')
  })

  it('refuses a symlink outside the workspace, and a symlink to a directory', async () => {
    await symlink(path.join(outside, 'secret.yml'), path.join(workspace, 'out.yml'))
    await mkdir(path.join(workspace, 'dir'))
    await symlink(path.join(workspace, 'dir'), path.join(workspace, 'dir.yml'))
    expect((await failure(readManifestFile(workspace, 'out.yml'))).message).toContain('is outside the workspace')
    expect((await failure(readManifestFile(workspace, 'dir.yml'))).message).toBe(
      'manifest dir.yml is a directory, not a regular file; refusing to open it: point `manifest` at a YAML file of the repository',
    )
    const real = await realpath(workspace)
    await expect(checkManifestFile(real, path.join(workspace, 'dir'), 'dir')).rejects.toThrow('manifest dir is a directory')
    await put('ok.yml', VALID)
    expect(await checkManifestFile(real, path.join(workspace, 'ok.yml'), 'ok.yml')).toBe(path.join(real, 'ok.yml'))
  })
})
