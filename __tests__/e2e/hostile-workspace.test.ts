/**
 * End to end: the BUILT action (dist/index.js) in a workspace laid out by an attacker, where the
 * manifest is not a manifest: a symbolic link to `.git/config` (where the checkout action writes its
 * credential) and a FIFO (which blocks whoever opens it). Each run must fail at once with a clear
 * message, and never show a byte of the file.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { runAction } from '../helpers/run-action.js'

const GITHUB_TOKEN = 'ghs_FAKEcheckoutTOKEN0123456789abcdef'
const BASIC = Buffer.from(`x-access-token:${GITHUB_TOKEN}`).toString('base64')
const GIT_CONFIG = `[core]
\trepositoryformatversion = 0
[remote "origin"]
\turl = https://github.com/acme/art
[http "https://github.com/"]
\textraheader = AUTHORIZATION: basic ${BASIC}
`
const INPUTS = { 'layer-token': 'lbg-SENTINEL-layer-token-hostile-0123', 'api-url': 'http://127.0.0.1:9', 'github-token': GITHUB_TOKEN }

/** Everything a run leaves for people to read: stdout (but the `::add-mask::` commands), stderr, the job summary, the outputs and the report. */
async function everythingShown(run: Awaited<ReturnType<typeof runAction>>): Promise<string> {
  const reportPath = run.outputs['report-path']
  const report = reportPath ? await readFile(reportPath, 'utf8').catch(() => '') : ''
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return [stdout, run.stderr, run.summary, JSON.stringify(run.outputs), report].join('\n')
}

describe('the built action in a hostile workspace', () => {
  it('refuses a manifest that links to .git/config before reading it, showing none of it', async () => {
    const run = await runAction({
      inputs: INPUTS,
      files: { '.git/config': GIT_CONFIG, '.layer/README.md': 'manifests live here\n' },
      prepare: (workspace) => symlink('../.git/config', join(workspace, '.layer', 'generations.yml')),
    })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toContain('manifest .layer/generations.yml links to .git/config, inside .git/')
    const shown = await everythingShown(run)
    for (const secret of [GITHUB_TOKEN, BASIC, BASIC.slice(0, 12), 'AUTHORIZATION', 'extraheader']) expect(shown).not.toContain(secret)
  })

  it('refuses a FIFO as the manifest at once, without opening it', async () => {
    const started = Date.now()
    const run = await runAction({
      inputs: INPUTS,
      files: { '.layer/README.md': 'manifests live here\n' },
      prepare: (workspace) => {
        execFileSync('mkfifo', [join(workspace, '.layer', 'generations.yml')])
      },
      // Far below the jest timeout: a run that opens the FIFO hangs until this kills it.
      timeoutMs: 8_000,
    })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toContain(
      'manifest .layer/generations.yml is a FIFO (named pipe), not a regular file; refusing to open it',
    )
    expect(Date.now() - started).toBeLessThan(8_000)
  })
})
