/**
 * Finding and reading manifest files: globbing, workspace containment and the size cap. The YAML
 * may come from a fork's pull request, so a path never escapes the workspace (not through `..`,
 * an absolute path or a symbolic link), never reaches into `.git/` (where the checkout keeps its
 * credential), only a regular file is opened (opening a FIFO would block the run), and no file
 * is read before its size is checked.
 */
import { constants, lstat, open, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { GlobOptions } from 'tinyglobby'
import { ManifestError } from '../errors.js'
import type { Problem } from '../problem.js'
import { MAX_MANIFEST_BYTES } from './limits.js'
import { lazily } from '../lazy.js'

/** Where the patterns came from, named in "not found" messages (the CLI passes its own words). */
export interface ManifestSource {
  /** e.g. "input `manifest`" (the default) or "the command line". */
  origin?: string
  /** What to do about a missing file (default: "point `manifest` at your file"). */
  fix?: string
}

const DEFAULT_ORIGIN = 'input `manifest`'

/** No manifest matched: a mistake in how the run was asked for (the CLI prints its usage). */
export class MissingManifestError extends ManifestError {
  override name = 'MissingManifestError'
}

/**
 * The glob library (tinyglobby, with picomatch and fdir), loaded only for a pattern that may be a
 * glob: a run whose manifests are plain paths (the default `.layer/generations.yml`) starts without
 * it: a chunk of the action's bundle (manifest/glob.ts says how the CLI stays one file).
 */
const globLibrary = lazily('the glob matcher (tinyglobby)', () => import('./glob.js'))

/**
 * Every character that can make picomatch's scan (behind tinyglobby's `isDynamicPattern`) call a
 * pattern a glob or a negation: a pattern without any is a plain path, and the library is not needed.
 */
export const GLOB_CHARACTERS = /[*?[\]{}()!+@\\]/

/** tinyglobby's `isDynamicPattern`, the library loaded only when the pattern has a glob character. */
async function isDynamicPattern(pattern: string): Promise<boolean> {
  return GLOB_CHARACTERS.test(pattern) && (await globLibrary()).isDynamicPattern(pattern)
}

/** tinyglobby's `glob`. */
async function glob(pattern: string, options: GlobOptions): Promise<string[]> {
  return (await globLibrary()).glob(pattern, options)
}

/** Directories a glob never descends into: dependencies and Git's own files are never manifests. */
const IGNORED = ['**/node_modules/**', '**/.git/**']

/** A `..` path segment anywhere, including inside braces (`{..,x}/a.yml`). */
const PARENT_SEGMENT = /(^|[/\\{,])\.\.($|[/\\},])/

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/')
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined
}

/** The workspace as given and as its real path (symbolic links resolved). */
async function workspaceRoot(workspace: string): Promise<{ root: string; rootReal: string }> {
  const root = path.resolve(workspace)
  try {
    return { root, rootReal: await realpath(root) }
  } catch {
    throw new ManifestError(`the workspace ${root} does not exist; check out the repository before this step`)
  }
}

/** A `.git` path segment: Git's own files (the checkout writes its credential into `.git/config`). */
const GIT_SEGMENT = /(^|\/)\.git(\/|$)/

/** What a file that is not regular is, for the message refusing it. */
function kindOf(info: {
  isDirectory(): boolean
  isFIFO(): boolean
  isSocket(): boolean
  isCharacterDevice(): boolean
  isBlockDevice(): boolean
}): string {
  if (info.isDirectory()) return 'a directory'
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

function outside(what: string): ManifestError {
  return new ManifestError(`manifest ${what} is outside the workspace; refusing to read it (manifests must live in the repository)`)
}

/**
 * The manifest files named by `patterns` (paths or globs relative to `workspace`), as sorted,
 * de-duplicated workspace-relative paths with `/` separators. Throws `ManifestError` when a pattern
 * or a match lies outside the workspace, when a named file is missing, or when nothing matches.
 */
export async function resolveManifestFiles(workspace: string, patterns: readonly string[], source: ManifestSource = {}): Promise<string[]> {
  const origin = source.origin ?? DEFAULT_ORIGIN
  const { root, rootReal } = await workspaceRoot(workspace)

  const wanted = patterns.map((pattern) => pattern.trim()).filter((pattern) => pattern !== '')
  if (wanted.length === 0) throw new MissingManifestError(`no manifest given (${origin} is empty)`)

  const candidates = new Set<string>()
  const missing: string[] = []
  for (const raw of wanted) {
    // On Windows a user may write `.layer\gen.yml`; elsewhere `\` escapes glob characters.
    const pattern = process.platform === 'win32' ? raw.replaceAll('\\', '/') : raw
    if (PARENT_SEGMENT.test(pattern)) throw outside(`pattern "${raw}" (it uses "..")`)
    let relativePattern = pattern
    if (path.isAbsolute(pattern)) {
      const within = [root, rootReal].find((base) => isInside(base, pattern))
      if (within === undefined) throw outside(`path "${raw}"`)
      relativePattern = toPosix(path.relative(within, pattern))
      if (relativePattern === '') throw new ManifestError(`manifest "${raw}" is the workspace itself; name a file or a glob`)
    }

    if (!(await isDynamicPattern(relativePattern))) {
      const full = path.resolve(root, relativePattern)
      let info
      try {
        info = await stat(full)
      } catch (error) {
        const code = errorCode(error)
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          missing.push(raw)
          continue
        }
        throw new ManifestError(`cannot read manifest ${raw}: ${code ?? String(error)}`)
      }
      if (info.isDirectory()) {
        throw new ManifestError(
          `manifest ${raw} is a directory; name a file, or a glob such as ${toPosix(path.join(relativePattern, '*.yml'))} (${origin})`,
        )
      }
      candidates.add(toPosix(path.relative(root, full)))
      continue
    }

    // Globs do not follow symbolic links: a link in the workspace must not make us crawl outside it.
    // A symlinked manifest can still be named by its path (and is then checked like any other).
    const matches = await glob(relativePattern, {
      cwd: root,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      expandDirectories: false,
      ignore: IGNORED,
    })
    if (matches.length === 0) missing.push(raw)
    for (const match of matches) candidates.add(toPosix(path.normalize(match)))
  }

  const literalMissing: string[] = []
  for (const pattern of missing) if (!(await isDynamicPattern(pattern))) literalMissing.push(pattern)
  if (candidates.size === 0 || literalMissing.length > 0) {
    const tried = candidates.size === 0 ? missing : literalMissing
    throw new MissingManifestError(
      `no manifest found at ${tried.join(', ')} (${origin}); create it or ${source.fix ?? 'point `manifest` at your file'}`,
    )
  }

  for (const relative of candidates) await checkManifestFile(rootReal, path.resolve(root, relative), relative)
  return [...candidates].sort()
}

/**
 * The real path of the manifest at `full`, after refusing, without opening it, anything but a
 * regular file inside the (real) workspace and outside `.git/`: a link out of the workspace or into
 * `.git/`, a directory, a FIFO, a socket, a device. `shown` is the path the messages name.
 */
export async function checkManifestFile(rootReal: string, full: string, shown: string): Promise<string> {
  const fix = 'point `manifest` at a YAML file of the repository'
  if (GIT_SEGMENT.test(toPosix(shown))) {
    throw new ManifestError(
      `manifest ${shown} is inside .git/ (Git's own files, which hold the checkout's credentials); refusing to read it: ${fix}`,
    )
  }
  let real: string
  let info
  try {
    const link = await lstat(full)
    real = await realpath(full)
    info = link.isSymbolicLink() ? await stat(real) : link
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ENOENT') throw new ManifestError(`manifest ${shown} is a broken symbolic link; fix or remove it`)
    throw new ManifestError(`cannot read manifest ${shown}: ${code ?? String(error)}`)
  }
  if (!isInside(rootReal, real)) throw outside(`${shown} (it links to a file outside)`)
  const target = toPosix(path.relative(rootReal, real))
  if (GIT_SEGMENT.test(target)) {
    throw new ManifestError(
      `manifest ${shown} links to ${target}, inside .git/ (Git's own files, which hold the checkout's credentials); refusing to read it: ${fix}`,
    )
  }
  if (!info.isFile()) throw new ManifestError(`manifest ${shown} is ${kindOf(info)}, not a regular file; refusing to open it: ${fix}`)
  return real
}

/** "5 MiB (5242880 bytes)": exact, so a file one byte over is visibly over. */
export function describeByteLimit(bytes: number): string {
  const mib = bytes / (1024 * 1024)
  const kib = bytes / 1024
  if (Number.isInteger(mib)) return `${mib} MiB (${bytes} bytes)`
  if (Number.isInteger(kib)) return `${kib} KiB (${bytes} bytes)`
  return `${bytes} bytes`
}

function fileProblem(file: string, title: string, message: string): ManifestError {
  const problem: Problem = { file, line: 1, col: 1, title, message }
  return new ManifestError(message, [problem])
}

/**
 * The text of one manifest (UTF-8, byte-order mark dropped). Checks the file again (checkManifestFile), then the
 * size from the open file's `stat` before reading a byte, and never reads more than `maxBytes + 1`
 * bytes (the file may grow between the two). Throws `ManifestError`; a too-large or undecodable
 * file carries a Problem located at the file.
 */
export async function readManifestFile(workspace: string, relativePath: string, maxBytes: number = MAX_MANIFEST_BYTES): Promise<string> {
  const { root, rootReal } = await workspaceRoot(workspace)
  const full = path.resolve(root, relativePath)
  if (!isInside(root, full)) throw outside(`path "${relativePath}"`)
  const real = await checkManifestFile(rootReal, full, relativePath)

  let handle
  try {
    // Checked just above; should the file be swapped since, a FIFO still does not block the open
    // (O_NONBLOCK) and a symbolic link is not followed (O_NOFOLLOW). Neither flag exists on Windows.
    handle = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0))
  } catch (error) {
    throw new ManifestError(`cannot read manifest ${relativePath}: ${errorCode(error) ?? String(error)}`)
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new ManifestError(`manifest ${relativePath} is not a regular file`)
    const tooLarge = (size: string): ManifestError =>
      fileProblem(
        relativePath,
        'Manifest too large',
        `${relativePath} is ${size}; a manifest may be at most ${describeByteLimit(maxBytes)}: split it into several files`,
      )
    if (info.size > maxBytes) throw tooLarge(`${info.size} bytes`)

    // Room for the size `stat` gave plus one byte, so a file that grew since is noticed and read
    // on, never past the cap plus one byte. (Not the whole cap up front: that zeroes 5 MiB per file.)
    let buffer = Buffer.allocUnsafe(Math.min(info.size, maxBytes) + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
      if (length < buffer.length) continue
      if (buffer.length > maxBytes) break
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1))
      buffer.copy(bigger, 0, 0, length)
      buffer = bigger
    }
    if (length > maxBytes) throw tooLarge(`over ${maxBytes} bytes (it grew while being read)`)

    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length))
    } catch {
      throw fileProblem(relativePath, 'Not UTF-8', `${relativePath} is not valid UTF-8 text; save it as UTF-8`)
    }
  } catch (error) {
    if (error instanceof ManifestError) throw error
    throw new ManifestError(`cannot read manifest ${relativePath}: ${errorCode(error) ?? String(error)}`)
  } finally {
    await handle.close()
  }
}
