import { spawn } from 'node:child_process'
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const ACTION = join(ROOT, 'dist', 'index.js')
/**
 * The test-only variable of src/github/octokit.ts (TEST_WAIT_UNIT_ENV), spelled out so the helper does not
 * load the GitHub client; the pull-request suite fails if the two drift (its never-answering base times the retries).
 */
export const TEST_WAIT_UNIT_ENV = 'LAYER_BUDGET_GATE_TEST_GITHUB_WAIT_UNIT_MS'

/** What a run of the built action left behind, as a runner would see it. */
export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** The `::error`/`::warning` workflow commands printed. */
  errors: string[]
  warnings: string[]
  dir: string
  /** GITHUB_WORKSPACE of the run. */
  workspace: string
}

export interface ActionRunOptions {
  inputs: Record<string, string>
  /** Workspace files: path -> content. */
  files?: Record<string, string>
  eventName?: string
  event?: unknown
  env?: Record<string, string>
  timeoutMs?: number
  /**
   * Let the action wait for GitHub as in production (1 s retry unit, write pacing). By default a
   * run waits 1 ms per second (TEST_WAIT_UNIT_ENV), so a retried case costs no sleep.
   */
  realGitHubWaits?: boolean
  /** Called with the workspace after the files are written: for what a file map cannot hold (links, FIFOs). */
  prepare?: (workspace: string) => Promise<void> | void
  /** The bundle to run instead of dist/index.js (a copy of dist/ with a chunk taken out, say). */
  action?: string
}

/** Parse a GITHUB_OUTPUT file (`name<<delimiter` blocks). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!)
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
    outputs[name!] = value.join('\n')
  }
  return outputs
}

/** Run dist/index.js as a child process with the environment a GitHub runner sets. */
export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'lbg-e2e-'))
  const workspace = join(dir, 'workspace')
  await mkdir(workspace, { recursive: true })
  for (const [path, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(workspace, path)), { recursive: true })
    await writeFile(join(workspace, path), content)
  }
  await options.prepare?.(workspace)
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary.md')
  const eventFile = join(dir, 'event.json')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  await writeFile(eventFile, JSON.stringify(options.event ?? {}))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: options.eventName ?? 'workflow_dispatch',
    GITHUB_REPOSITORY: 'acme/art',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_RUN_ID: '1000',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
    RUNNER_TEMP: dir,
    ...(options.realGitHubWaits ? {} : { [TEST_WAIT_UNIT_ENV]: '1' }),
    ...options.env,
  }
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  const child = spawn(process.execPath, [options.action ?? ACTION], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the action did not finish within ${options.timeoutMs ?? 20000} ms\n${stdout}\n${stderr}`))
    }, options.timeoutMs ?? 20000)
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolvePromise(exitCode)
    })
  })
  const commands = (kind: string) => stdout.split('\n').filter((line) => line.startsWith(`::${kind}`))
  const run: ActionRun = {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    errors: commands('error'),
    warnings: commands('warning'),
    dir,
    workspace,
  }
  await expectNoLeakedToken(run, [options.inputs['layer-token'], options.inputs['github-token']])
  return run
}

/**
 * Every end-to-end run is a secret-leak check: neither token appears in stdout (but for the
 * `::add-mask::` command that hides it), stderr, the job summary, the outputs or the JSON report.
 */
export async function expectNoLeakedToken(run: ActionRun, tokens: (string | undefined)[]): Promise<void> {
  const reportPath = run.outputs['report-path']
  const report = reportPath ? await readFile(reportPath, 'utf8').catch(() => '') : ''
  const places: Record<string, string> = {
    stdout: run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    stderr: run.stderr,
    summary: run.summary,
    outputs: JSON.stringify(run.outputs),
    report,
  }
  for (const token of tokens) {
    const secret = token?.trim()
    if (!secret || secret.length < 6) continue // too short to tell from ordinary text
    for (const [place, text] of Object.entries(places)) {
      if (text.includes(secret)) throw new Error(`the token ${JSON.stringify(secret)} leaked into the ${place} of the run`)
    }
  }
}
