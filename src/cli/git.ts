/**
 * `--base GIT-REF`: the manifests as they are at a git ref, read with git itself (`git ls-tree`,
 * `git cat-file`; execFile, never a shell), matched with the same glob semantics as the workspace
 * and the action's base commit. As in the action, a manifest missing at the ref is an empty base
 * (everything is added), and an invalid one gives a note and no change, never a failure; a ref
 * that does not exist, or no git repository, is an error that says what to do.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { isDynamicPattern } from '../manifest/glob.js'
import { describeError, GateError, ManifestError } from '../errors.js'
import { matchFiles } from '../github/contents.js'
import { gatherManifest, gathered } from '../manifest/load.js'
import { MAX_MANIFEST_BYTES } from '../manifest/limits.js'
import { summarizeProblems } from '../manifest/problems.js'
import { formatPosition } from '../problem.js'
import type { Manifest } from '../types.js'
import { CLI_WORDS } from '../vocabulary.js'

const run = promisify(execFile)

/** The manifests at the ref, or why there is no change to show; `commit` is the ref's full SHA. */
export interface BaseAtRef {
  commit: string
  base?: Manifest[]
  baseNote?: string
}

/** A blob of the tree at the ref: its repository path relative to the working directory. */
interface TreeFile {
  path: string
  blob: string
  size: number
}

const IGNORED_SEGMENT = /(^|\/)(node_modules|\.git)\//

/** Runs git in `cwd` (the token is not passed on), its stdout as a Buffer. */
async function git(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<Buffer> {
  const rest = { ...env }
  delete rest.LAYER_API_TOKEN
  const { stdout } = await run('git', args, {
    cwd,
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...rest, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
  })
  return stdout
}

/** Reads the manifests `patterns` (relative to `cwd`) name at `ref`. */
export async function loadManifestsAtRef(
  cwd: string,
  env: NodeJS.ProcessEnv,
  ref: string,
  patterns: readonly string[],
): Promise<BaseAtRef> {
  // A ref that starts with '-' would be read by git as an option; control characters are never a ref.
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (ref.startsWith('-') || /[\u0000-\u001f\u007f]/.test(ref)) {
    throw new GateError(`--base ${JSON.stringify(ref)} is not a git ref: give a branch, a tag or a commit such as main or HEAD~1`)
  }
  let prefix: string
  try {
    prefix = (await git(cwd, env, ['rev-parse', '--show-prefix'])).toString('utf8').trim()
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT'
    throw new GateError(
      missing
        ? '--base reads the manifests with git, which is not installed (or not on PATH): install git, or leave --base out'
        : `--base needs a git repository, and ${cwd} is not inside one: run the CLI from your repository, or leave --base out`,
    )
  }
  let commit: string
  try {
    commit = (await git(cwd, env, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).toString('utf8').trim()
  } catch {
    throw new GateError(
      `--base ${ref}: no such branch, tag or commit in this repository: check the name (git branch -a), or fetch it first (git fetch origin ${ref})`,
    )
  }
  const files = selectFiles(await listTree(cwd, env, commit, prefix), patterns)
  const short = `${ref} (${commit.slice(0, 7)})`
  const into = gathered()
  try {
    for (const file of files) {
      if (file.size > MAX_MANIFEST_BYTES) {
        into.problems.push({ file: file.path, line: 1, col: 1, title: 'Manifest too large', message: `${file.path} is ${file.size} bytes` })
        continue
      }
      const bytes = await git(cwd, env, ['cat-file', 'blob', file.blob])
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      } catch {
        into.problems.push({ file: file.path, line: 1, col: 1, title: 'Not UTF-8', message: `${file.path} is not valid UTF-8 text` })
        continue
      }
      gatherManifest(into, file.path, text, CLI_WORDS)
    }
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error
    return { commit, baseNote: `The manifests at ${short} could not be read (${describeError(error)}), so there is no change to show.` }
  }
  if (into.problems.length > 0) {
    const [first] = into.problems
    const more = into.problems.length > 1 ? `; ${summarizeProblems(into.problems)} in all` : ''
    const what = first ? `${formatPosition({ file: first.file, line: first.line })}: ${first.message}${more}` : ''
    return { commit, baseNote: `The manifests at ${short} are invalid (${what}), so there is no change to show.` }
  }
  return { commit, base: into.manifests }
}

/** Regular files of the tree at `commit` under the working directory (`prefix`), paths relative to it. */
async function listTree(cwd: string, env: NodeJS.ProcessEnv, commit: string, prefix: string): Promise<TreeFile[]> {
  const listing = (await git(cwd, env, ['ls-tree', '-r', '-l', '-z', '--full-tree', commit])).toString('utf8')
  const files: TreeFile[] = []
  for (const entry of listing.split('\0')) {
    // "<mode> <type> <object> <size>\t<path>"; symbolic links (120000) and submodules are not manifests.
    const match = /^(100644|100755) blob ([0-9a-f]+)\s+(\d+)\t([\s\S]+)$/.exec(entry)
    if (!match || !match[4]!.startsWith(prefix)) continue
    const path = match[4]!.slice(prefix.length)
    if (IGNORED_SEGMENT.test(path)) continue
    files.push({ path, blob: match[2]!, size: Number(match[3]) })
  }
  return files
}

/** The files the patterns pick, as the workspace loader picks them: literal paths and globs, the union, sorted. */
function selectFiles(files: TreeFile[], patterns: readonly string[]): TreeFile[] {
  const byPath = new Map(files.map((file) => [file.path, file]))
  const paths = [...byPath.keys()]
  const picked = new Set<string>()
  for (const raw of patterns) {
    const pattern = raw.trim().replace(/^(\.\/)+/, '')
    if (pattern === '') continue
    if (!isDynamicPattern(pattern)) {
      if (byPath.has(pattern)) picked.add(pattern)
      continue
    }
    for (const path of matchFiles(paths, [pattern], { dot: true, expandDirectories: false })) picked.add(path)
  }
  return [...picked].sort().map((path) => byPath.get(path)!)
}
