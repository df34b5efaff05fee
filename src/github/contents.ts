import { globSync, type GlobOptions } from 'tinyglobby'
import { ConfigError, describeError, GateError } from '../errors.js'
import type { Octokit } from './octokit.js'

/** The largest manifest read through the API, like the local loader's cap: a hostile file cannot exhaust memory. */
export const MAX_REMOTE_FILE_BYTES = 5 * 1024 * 1024

/** A file at a commit of a repository. */
export interface RemoteFile {
  owner: string
  repo: string
  /** Repository-relative, "/"-separated; no "..", not absolute. */
  path: string
  /** Commit SHA, branch or tag. */
  ref: string
}

/** A file or listing that could not be read from GitHub; the message says which one, why, and what to do. */
export class RemoteFileError extends GateError {
  override name = 'RemoteFileError'
  constructor(
    message: string,
    /** HTTP status GitHub answered, when it answered. */
    readonly status?: number,
  ) {
    super(message)
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

function short(ref: string): string {
  return /^[0-9a-f]{40}$/i.test(ref) ? ref.slice(0, 7) : ref
}

/** The "why" and "what to do" of a failed read, from GitHub's status. */
function readFailure(what: string, error: unknown): RemoteFileError {
  const status = statusOf(error)
  const hint =
    status === 401
      ? 'the token is invalid or expired; check the `github-token` input'
      : status === 403
        ? 'the token may not read the repository contents; give the job `permissions: contents: read`'
        : describeError(error)
  return new RemoteFileError(`Could not read ${what} from GitHub${status ? ` (${status})` : ''}: ${hint}.`, status)
}

/**
 * Normalises a repository-relative path or pattern and refuses one that could leave the repository
 * (absolute, drive letter, or a ".." segment). Backslashes count as separators, as on Windows runners.
 */
function insideRepo(input: string, what: string, shown = input): string {
  const path = input
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
  if (path === '' || path === '.') throw new ConfigError(`${what} "${shown}" is empty: name a file inside the repository.`)
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split('/').includes('..')) {
    throw new ConfigError(`${what} "${shown}" points outside the repository: use a path relative to the repository root, without "..".`)
  }
  return path
}

/** The text of a file at a commit, or `undefined` when the file (or the commit) does not exist there. */
export async function readFileAt(octokit: Octokit, file: RemoteFile): Promise<string | undefined> {
  const path = insideRepo(file.path, 'The manifest path')
  const where = `${path} at ${short(file.ref)} in ${file.owner}/${file.repo}`
  let data: unknown
  try {
    ;({ data } = await octokit.rest.repos.getContent({ owner: file.owner, repo: file.repo, path, ref: file.ref }))
  } catch (error) {
    if (statusOf(error) === 404) return undefined
    throw readFailure(where, error)
  }
  if (Array.isArray(data))
    throw new RemoteFileError(`${where} is a directory, not a file: name the manifest file itself or use a glob such as "${path}/*.yml".`)
  const entry = (data ?? {}) as {
    type?: unknown
    size?: unknown
    content?: unknown
    encoding?: unknown
    target?: unknown
    submodule_git_url?: unknown
  }
  if (entry.type === 'submodule') {
    throw new RemoteFileError(
      `${where} is a git submodule, not a file: the action does not read other repositories; keep the manifest in this one.`,
    )
  }
  if (entry.type === 'symlink') {
    throw new RemoteFileError(
      `${where} is a symbolic link to "${String(entry.target)}", which is not a file of the repository: name the file itself.`,
    )
  }
  if (entry.type !== 'file') throw new RemoteFileError(`${where} is not a file (GitHub says type "${String(entry.type)}").`)
  const size = typeof entry.size === 'number' ? entry.size : 0
  if (size > MAX_REMOTE_FILE_BYTES) throw tooLarge(where, size)

  if (entry.encoding === 'base64' && typeof entry.content === 'string') return utf8(Buffer.from(entry.content, 'base64'), where)
  // Over 1 MB the contents API leaves `content` empty ("encoding": "none"); the raw media type still has the bytes.
  return utf8(await readRaw(octokit, file.owner, file.repo, path, file.ref, where), where)
}

async function readRaw(octokit: Octokit, owner: string, repo: string, path: string, ref: string, where: string): Promise<Buffer> {
  let data: unknown
  try {
    ;({ data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner,
      repo,
      path,
      ref,
      headers: { accept: 'application/vnd.github.raw+json' },
    }))
  } catch (error) {
    throw readFailure(where, error)
  }
  // @octokit/request gives text for a text/* or utf-8 answer, bytes otherwise.
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : data instanceof ArrayBuffer
        ? Buffer.from(data)
        : ArrayBuffer.isView(data)
          ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
          : undefined
  if (bytes === undefined) throw new RemoteFileError(`GitHub answered ${where} with something that is not the file's bytes.`)
  if (bytes.length > MAX_REMOTE_FILE_BYTES) throw tooLarge(where, bytes.length)
  return bytes
}

function tooLarge(where: string, size: number): RemoteFileError {
  return new RemoteFileError(
    `${where} is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_REMOTE_FILE_BYTES / 1024 / 1024} MiB limit for a manifest: split it into several files.`,
  )
}

function utf8(bytes: Buffer, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new RemoteFileError(`${where} is not UTF-8 text: save the manifest as UTF-8.`)
  }
}

/** Every file path at a commit (one recursive git-trees call); fails rather than return a partial list. */
export async function listFilesAt(octokit: Octokit, at: { owner: string; repo: string; ref: string }): Promise<string[]> {
  const where = `the file list of ${at.owner}/${at.repo} at ${short(at.ref)}`
  let tree: { path?: string; type?: string }[]
  let truncated: boolean
  try {
    const { data } = await octokit.rest.git.getTree({ owner: at.owner, repo: at.repo, tree_sha: at.ref, recursive: 'true' })
    tree = data.tree
    truncated = data.truncated
  } catch (error) {
    const status = statusOf(error)
    if (status === 409) return [] // an empty repository has no tree
    if (status === 404) {
      throw new RemoteFileError(
        `Could not read ${where}: GitHub knows no commit "${at.ref}" there, or the token cannot see the repository (404).`,
        404,
      )
    }
    throw readFailure(where, error)
  }
  if (truncated) {
    // Matching globs against part of the tree could silently miss a manifest: fail closed instead.
    throw new RemoteFileError(
      `${where[0]?.toUpperCase()}${where.slice(1)} is too large for one GitHub API answer (truncated), so globs cannot be matched reliably: list the manifest paths in \`manifest\` without wildcards.`,
    )
  }
  // Blobs are files (symlinks included, as a local glob follows them); trees and submodules ("commit") are not.
  return tree.filter((entry) => entry.type === 'blob' && typeof entry.path === 'string').map((entry) => entry.path as string)
}

/** Glob options that change which paths match; the rest of tinyglobby's options make no sense for a list. */
export type MatchOptions = Pick<GlobOptions, 'dot' | 'expandDirectories' | 'caseSensitiveMatch' | 'braceExpansion' | 'extglob' | 'globstar'>

/**
 * The paths that `patterns` match, in the order of `paths`, with the same semantics as globbing the
 * workspace with tinyglobby (same defaults; "!pattern" excludes): tinyglobby runs over `paths` as a
 * virtual directory tree. Patterns that could leave the repository are refused.
 */
export function matchFiles(paths: string[], patterns: string[], options: MatchOptions = {}): string[] {
  const checked = patterns.map((pattern) => {
    const negated = pattern.startsWith('!')
    return `${negated ? '!' : ''}${insideRepo(negated ? pattern.slice(1) : pattern, 'The manifest pattern', pattern)}`
  })
  if (checked.length === 0 || paths.length === 0) return []

  // Directory -> entries, keyed by "/"-joined repository-relative paths ("" is the root).
  const dirs = new Map<string, Map<string, boolean>>([['', new Map()]])
  for (const path of paths) {
    const parts = path.split('/')
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/')
      let entries = dirs.get(dir)
      if (!entries) dirs.set(dir, (entries = new Map()))
      const isDir = i < parts.length - 1
      entries.set(parts[i] ?? '', isDir || (entries.get(parts[i] ?? '') ?? false))
    }
  }

  const root = '/virtual-repository'
  const relative = (p: unknown): string => {
    const path = String(p).replace(/\\/g, '/').replace(/\/+$/, '')
    const at = path.indexOf(root)
    return at < 0 ? path : path.slice(at + root.length).replace(/^\/+/, '')
  }
  const dirent = (name: string, isDir: boolean) => ({
    name,
    isFile: () => !isDir,
    isDirectory: () => isDir,
    isSymbolicLink: () => false,
  })
  const readdirSync = (p: unknown) => [...(dirs.get(relative(p)) ?? new Map<string, boolean>())].map(([name, isDir]) => dirent(name, isDir))

  const matched = new Set(
    globSync(checked, {
      ...options,
      cwd: root,
      followSymbolicLinks: false,
      // The virtual tree only implements what fdir calls for a synchronous crawl without symlinks.
      fs: { readdirSync: readdirSync as unknown as NonNullable<GlobOptions['fs']>['readdirSync'] },
    }),
  )
  return paths.filter((path) => matched.has(path))
}
