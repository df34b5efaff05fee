import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { checkLine, checkManifests } from '../../src/cli/check.js'
import { EXIT, main } from '../../src/cli/main.js'
import { parseManifest } from '../../src/manifest/parse.js'
import { GateError } from '../../src/errors.js'
import type { Manifest } from '../../src/types.js'

const WS = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const OTHER = '0b1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const MODEL = '3fa85f64-5717-4562-b3fc-2c963f66afa6'

function manifest(file: string, text: string): Manifest {
  const { manifest, problems } = parseManifest(file, text)
  expect(problems).toEqual([])
  return manifest!
}
const valid = (workspace = '', names = ['a', 'b']) =>
  `version: 1\n${workspace ? `workspace_id: ${workspace}\n` : ''}generations:\n${names
    .map((name, i) => `  - name: ${name}\n    model_id: ${MODEL}\n    width: ${512 + (i % 2) * 256}\n`)
    .join('')}`

describe('checkManifests', () => {
  it('counts what a priced run would send, with or without a workspace', () => {
    expect(checkManifests([manifest('a.yml', valid(WS, ['a', 'b', 'c']))], undefined, 2000)).toEqual({
      files: ['a.yml'],
      generations: 3,
      requests: 2,
      workspaceId: WS,
    })
    const none = checkManifests([manifest('a.yml', valid())], undefined, 2000)
    expect(none.workspaceId).toBeUndefined()
    expect(checkLine(none)).toBe(
      '✅ a.yml valid: 2 generations, 2 estimate requests to price; no workspace named yet (give --workspace-id when pricing)',
    )
  })

  it('refuses what the priced run would refuse: two workspaces, too many requests', () => {
    expect(() => checkManifests([manifest('a.yml', valid(WS)), manifest('b.yml', valid(OTHER))], undefined, 2000)).toThrow(GateError)
    expect(() => checkManifests([manifest('a.yml', valid(WS))], OTHER, 2000)).toThrow(/differs from/)
    expect(() => checkManifests([manifest('a.yml', valid(WS))], undefined, 1)).toThrow(
      /2 distinct estimate requests, more than max-requests/,
    )
  })
})

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

describe('layer-budget-gate --check', () => {
  let server: Server
  let url: string
  let requests = 0
  let cwd: string
  beforeAll(async () => {
    // Any request at all is counted: --check must send none, whatever the environment holds.
    server = createServer((_req, res) => {
      requests++
      res.writeHead(500).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    cwd = await mkdtemp(join(tmpdir(), 'lbg-check-'))
    await mkdir(join(cwd, '.layer'))
    await writeFile(join(cwd, '.layer', 'generations.yml'), valid(WS))
    await writeFile(join(cwd, 'bad.yml'), 'version: 1\ngenerations:\n  - name: x\n    model_id: nope\n    widht: 5\n')
  })
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())))

  async function cli(argv: string[], env: NodeJS.ProcessEnv = { LAYER_API_TOKEN: 'a-real-looking-token-123' }) {
    const stdout = new Capture()
    const stderr = new Capture()
    const code = await main(argv, { stdout, stderr, env, cwd })
    return { code, stdout: stdout.text, stderr: stderr.text }
  }

  it('exits 0 on valid manifests with no token and no request, even with LAYER_API_TOKEN set', async () => {
    const withToken = await cli(['--check', '--api-url', url])
    expect(withToken).toEqual({
      code: EXIT.within,
      stdout: `✅ .layer/generations.yml valid: 2 generations, 2 estimate requests to price\n`,
      stderr: '',
    })
    const noToken = await cli(['--check', '--api-url', url], {})
    expect(noToken.code).toBe(EXIT.within)
    const json = await cli(['--check', '--format', 'json', '--api-url', url])
    expect(JSON.parse(json.stdout)).toEqual({
      version: 1,
      status: 'valid',
      workspace_id: WS,
      manifests: ['.layer/generations.yml'],
      generations: 2,
      requests: 2,
      problems: [],
    })
    expect(requests).toBe(0)
  })

  it('exits 2 on an invalid manifest: each problem with its line and caret, JSON on request', async () => {
    const result = await cli(['--check', 'bad.yml'], {})
    expect(result.code).toBe(EXIT.error)
    const lines = result.stderr.split('\n')
    const at = lines.findIndex((line) => line.startsWith('bad.yml:4:15: error:'))
    expect(lines.slice(at + 1, at + 3)).toEqual(['4 |     model_id: nope', '  |               ^'])
    expect(result.stderr).toMatch(/^bad\.yml:5:5: error: unknown key "widht" .*did you mean "width"\?$/m)
    expect(result.stderr).toMatch(/^layer-budget-gate: 2 problems in bad\.yml$/m)
    const json = await cli(['--check', 'bad.yml', '--json'], {})
    expect(json.code).toBe(EXIT.error)
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 'error',
      problems: [
        { line: 4, col: 15 },
        { line: 5, col: 5 },
      ],
    })
    expect(requests).toBe(0)
  })

  it('still validates the flags it shares with a priced run', async () => {
    const result = await cli(['--check', '--max-requests', '1'])
    expect(result.code).toBe(EXIT.error)
    expect(result.stderr).toMatch(/more than max-requests \(1\): raise `--max-requests` or remove generations/)
  })
})
