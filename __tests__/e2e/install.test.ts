/**
 * The package as someone outside this repository installs it: the packed tarball (`npm pack`, then
 * `npm install <tgz>`) and a git URL (what `npx github:OWNER/REPO` installs), each into a fresh folder
 * outside the repository, with an EMPTY npm cache and --offline: an install that needed anything from
 * the registry fails here. The git route installs the committed HEAD (uncommitted changes are not in it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../helpers/run-action.js'
import { startSimulator, type Simulator } from '../../src/simulator/server.js'

const run = promisify(execFile)
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & {
  version: string
  scripts: Record<string, string>
}
/** What the tarball may hold: the CLI bundle and the documents that go with it. */
const SHIPPED = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/cli/index.js',
  'dist/cli/licenses.txt',
  'dist/cli/package.json',
  'package.json',
  'schema/generations.schema.json',
]
/** Scripts that make npm install every devDependency (from the registry) before it packs a git dependency. */
const GIT_PREPARE_SCRIPTS = ['build', 'prepare', 'prepack', 'preinstall', 'install', 'postinstall']

let sim: Simulator
let work: string
beforeAll(async () => {
  sim = await startSimulator()
  work = await mkdtemp(join(tmpdir(), 'lbg-install-'))
})
afterAll(async () => {
  await sim.close()
  await rm(work, { recursive: true, force: true })
})

interface Exit {
  code: number
  stdout: string
  stderr: string
}

/**
 * The environment of a shell outside this repository: no npm_* variables of the `npm test` that runs
 * this file (npm_config_local_prefix would point the install at the repository), no git variables,
 * no token, and an npm cache of its own that starts empty.
 */
function outsideEnv(cache: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|git_)/i.test(key) && key !== 'NODE_OPTIONS' && key !== 'LAYER_API_TOKEN') env[key] = value
  }
  return { ...env, npm_config_cache: cache, npm_config_update_notifier: 'false', ...extra }
}

async function exec(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Exit> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as Exit
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** A fresh folder with a package.json of its own, so npm installs there and nowhere above it. */
async function consumer(name: string): Promise<string> {
  const dir = join(work, name)
  await mkdir(join(dir, '.layer'), { recursive: true })
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true }))
  // The default manifest path: a user's repository runs the CLI with no argument.
  await copyFile(join(ROOT, 'examples', 'generations.yml'), join(dir, '.layer', 'generations.yml'))
  return dir
}

async function npmInstall(dir: string, spec: string): Promise<void> {
  const result = await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', spec], dir, outsideEnv(join(dir, '.npm-cache')))
  expect(result).toMatchObject({ code: 0 })
  // Nothing but the package itself: the bundle carries its dependencies.
  expect((await readdir(join(dir, 'node_modules'))).filter((name) => !name.startsWith('.'))).toEqual(['layer-budget-gate'])
}

/** The installed bin, run as a user runs it; every run is also a leak check for the token. */
async function gate(dir: string, args: string[]): Promise<Exit> {
  const bin = join(dir, 'node_modules', '.bin', 'layer-budget-gate')
  const result = await exec(bin, args, dir, outsideEnv(join(dir, '.npm-cache'), { LAYER_API_TOKEN: sim.token }))
  expect(result.stdout + result.stderr).not.toContain(sim.token)
  return result
}

/** --help, --version, and a priced run of the default manifest against the simulator. */
async function expectWorks(dir: string): Promise<void> {
  const help = await gate(dir, ['--help'])
  expect(help.code).toBe(0)
  expect(help.stdout).toMatch(/^Usage: layer-budget-gate /)
  expect((await gate(dir, ['--version'])).stdout.trim()).toBe(pkg.version)
  const priced = await gate(dir, ['--api-url', sim.url, '--json'])
  expect(priced.code).toBe(0)
  expect(JSON.parse(priced.stdout)).toMatchObject({ status: 'within', sufficient: true, simulated: true, entries: 11, requests: 11 })
  expect((await gate(dir, ['--api-url', sim.url, '--max-total', '10'])).code).toBe(1)
}

describe('package.json', () => {
  it('needs nothing from the registry at run time and nothing built when installed from git', () => {
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) {
      expect({ [field]: pkg[field] }).toEqual({ [field]: undefined })
    }
    expect(pkg.private).toBeUndefined()
    expect(Object.keys(pkg.scripts).filter((name) => GIT_PREPARE_SCRIPTS.includes(name))).toEqual([])
  })
})

describe('the packed tarball', () => {
  let packed: { filename: string; files: { path: string }[] }
  beforeAll(async () => {
    const result = await exec('npm', ['pack', '--json', '--pack-destination', work], ROOT, outsideEnv(join(work, '.npm-cache')))
    expect(result).toMatchObject({ code: 0 })
    packed = (JSON.parse(result.stdout) as (typeof packed)[])[0]!
  }, 60000)

  it('holds the CLI bundle and its documents only', () => {
    expect(packed.files.map((file) => file.path).sort()).toEqual(SHIPPED)
  })

  it('installs into a folder outside the repository, offline with an empty cache, and runs', async () => {
    const dir = await consumer('tarball')
    await npmInstall(dir, join(work, packed.filename))
    await expectWorks(dir)
  }, 120000)
})

describe('the git route (npx github:OWNER/REPO)', () => {
  it('installs HEAD from a git URL, offline with an empty cache, and runs', async () => {
    // A one-commit bare clone: GitHub serves npx a snapshot too, and a full history is slow to clone.
    const repo = join(work, 'repo.git')
    const clone = await exec(
      'git',
      ['clone', '--quiet', '--bare', '--depth', '1', `file://${ROOT}`, repo],
      work,
      outsideEnv(join(work, '.npm-cache')),
    )
    expect(clone).toMatchObject({ code: 0 })
    const dir = await consumer('git')
    await npmInstall(dir, `git+file://${repo}`)
    await expectWorks(dir)
  }, 180000)
})
