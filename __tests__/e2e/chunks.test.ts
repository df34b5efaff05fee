/**
 * End to end: the BUILT action's lazy chunks (src/lazy.ts). A run that needs no chunk runs from
 * dist/index.js alone; a run that needs one that is missing (a dist/ copied without it) fails
 * closed, naming what could not be loaded, and never says "within budget".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, runAction } from '../helpers/run-action.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_WORKSPACE_ID, startSimulator, type Simulator } from '../../src/simulator/server.js'

const MANIFEST = `version: 1
workspace_id: ${SIM_WORKSPACE_ID}
generations:
  - name: knight
    model_id: ${SIM_MODELS.image.id}
    prompt: "A knight"
    width: 1024
    height: 1024
`

let sim: Simulator
let copies: string
beforeAll(async () => {
  sim = await startSimulator({})
  copies = await mkdtemp(join(tmpdir(), 'lbg-chunks-'))
})
afterAll(async () => {
  await sim.close()
  await rm(copies, { recursive: true, force: true })
})

/** The chunks of dist/ (dist/NNN.index.js) whose source map names a source matching `source`. */
async function chunksOf(dir: string, source: RegExp): Promise<string[]> {
  const chunks = (await readdir(dir)).filter((file) => /^\d+\.index\.js$/.test(file))
  const found: string[] = []
  for (const chunk of chunks) {
    const map = JSON.parse(await readFile(join(dir, `${chunk}.map`), 'utf8')) as { sources: string[] }
    if (map.sources.some((name) => source.test(name))) found.push(chunk)
  }
  return found
}

/** A copy of dist/ with every chunk that holds `source` taken out (or all of them); returns its index.js. */
async function distWithout(name: string, source: RegExp): Promise<string> {
  const dir = join(copies, name)
  await cp(join(ROOT, 'dist'), dir, { recursive: true })
  const removed = await chunksOf(dir, source)
  for (const chunk of removed) await rm(join(dir, chunk))
  // Each part taken out is in at least one chunk of its own, or the test would prove nothing.
  expect(removed.length).toBeGreaterThan(0)
  return join(dir, 'index.js')
}

function run(action: string, inputs: Record<string, string> = {}) {
  return runAction({ action, inputs: { 'layer-token': sim.token, 'api-url': sim.url, ...inputs }, files: { '.layer/a.yml': MANIFEST } })
}

describe('the lazy chunks of the built action', () => {
  it('prices a push run whose manifest is a plain path from dist/index.js alone, except the job summary renderer', async () => {
    const action = await distWithout('plain', /tinyglobby|picomatch|fdir|src\/github\//)
    sim.resetStats()
    const result = await run(action, { manifest: '.layer/a.yml' })
    expect([result.code, result.errors]).toEqual([0, []])
    expect(result.outputs).toMatchObject({ 'total-creative-units': '1.4', sufficient: 'true', status: 'within' })
    expect(result.summary).toContain('| knight |')
    expect(sim.requests).toBe(1)
  })

  it('fails closed, before any request, when the glob matcher a glob needs is missing', async () => {
    const action = await distWithout('no-glob', /tinyglobby/)
    sim.resetStats()
    const result = await run(action, { manifest: '.layer/*.yml' })
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ sufficient: 'false', status: 'error' })
    expect(result.errors.join('\n')).toContain('the glob matcher (tinyglobby) could not be loaded')
    expect(result.errors.join('\n')).toContain('rebuild dist/ with `npm run package`')
    expect(result.stdout).not.toContain('    at ')
    expect(sim.requests).toBe(0)
  })

  it('fails closed, not "within budget", when the job summary renderer is missing', async () => {
    const action = await distWithout('no-summary', /src\/report\/markdown\.ts$/)
    const result = await run(action, { manifest: '.layer/a.yml' })
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ sufficient: 'false', status: 'error' })
    expect(result.errors.join('\n')).toContain('the job summary renderer could not be loaded')
    expect(result.warnings.join('\n')).toContain('No job summary')
    expect(result.stdout).not.toContain('    at ')
  })

  it('leaves the CLI one file, which is all its npm package ships (package.json "files")', async () => {
    const files = await readdir(join(ROOT, 'dist', 'cli'))
    expect(files).toContain('index.js')
    expect(files.filter((file) => file.endsWith('.js') && file !== 'index.js')).toEqual([])
  })
})
