import { describeError, ManifestError } from '../errors.js'
import { gatherManifest, gathered, manifestsOrThrow } from '../manifest/load.js'
import { summarizeProblems } from '../manifest/problems.js'
import { isDynamicPattern } from 'tinyglobby'
import { listFilesAt, matchFiles, readFileAt, type MatchOptions } from './contents.js'
import type { Octokit } from './octokit.js'
import type { Manifest } from '../types.js'
import { formatPosition, type Problem } from '../problem.js'

/** A commit of the repository, read through the GitHub API. */
export interface CommitRef {
  owner: string
  repo: string
  ref: string
  patterns: string[]
}

/**
 * Glob semantics of the local loader (src/manifest/files.ts): dot files match, a directory is not
 * expanded, node_modules and .git are skipped. The same pattern must pick the same files at the base
 * commit as in the workspace, or the diff would call every generation of a dot directory "added".
 */
const LOCAL_GLOB: MatchOptions = { dot: true, expandDirectories: false }
const IGNORED_SEGMENT = /(^|\/)(node_modules|\.git)\//

function isLiteral(pattern: string): boolean {
  return !pattern.startsWith('!') && !isDynamicPattern(pattern)
}

/** A literal pattern as the repository path it names ("./a\\b.yml" -> "a/b.yml"). */
function literalPath(pattern: string): string {
  return pattern
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
}

/**
 * Read and parse the manifests that `patterns` match at a commit; the files are data, never run.
 * Literal paths are read directly: no tree listing, which also works in repositories too large for
 * one (truncated) listing. `missing` holds the literal patterns with no file at that commit.
 */
async function readAt(
  octokit: Octokit,
  at: CommitRef,
): Promise<{ files: string[]; manifests: Manifest[]; problems: Problem[]; missing: string[] }> {
  const literal = at.patterns.every(isLiteral)
  let files: string[]
  if (literal) {
    files = [...new Set(at.patterns.map(literalPath))].sort()
  } else {
    const listed = (await listFilesAt(octokit, at)).filter((path) => !IGNORED_SEGMENT.test(path))
    // One pattern at a time, as the workspace loader globs them: the union, sorted.
    files = [...new Set(at.patterns.flatMap((pattern) => matchFiles(listed, [pattern], LOCAL_GLOB)))].sort()
  }
  const into = gathered()
  const found = new Set<string>()
  for (const file of files) {
    const text = await readFileAt(octokit, { owner: at.owner, repo: at.repo, path: file, ref: at.ref })
    if (text === undefined) continue
    found.add(file)
    gatherManifest(into, file, text)
  }
  const matched = literal ? [...found] : files
  const missing = at.patterns.filter((pattern) => isLiteral(pattern) && !matched.includes(literalPath(pattern)))
  return { files: matched, manifests: into.manifests, problems: into.problems, missing }
}

/** The head manifests at a commit (pull_request_target): every problem fails the run, like local files. */
export async function loadManifestsAt(octokit: Octokit, at: CommitRef): Promise<Manifest[]> {
  const { files, manifests, problems, missing } = await readAt(octokit, at)
  // As in the workspace: a named file that is not there is an error, even when other patterns matched.
  if (files.length === 0 || missing.length > 0) {
    const tried = files.length === 0 ? at.patterns : missing
    throw new ManifestError(
      `no manifest found at ${tried.join(', ')} in commit ${at.ref.slice(0, 7)} (input \`manifest\`): add it to the pull request or point \`manifest\` at your file`,
    )
  }
  return manifestsOrThrow({ manifests, problems })
}

/**
 * The base manifests to diff against: missing at base means everything is added (an empty base);
 * an invalid base gives a note and no diff, never a failure.
 */
export async function loadBaseManifests(octokit: Octokit, at: CommitRef): Promise<{ base?: Manifest[]; baseNote?: string }> {
  const short = at.ref.slice(0, 7)
  let read: Awaited<ReturnType<typeof readAt>>
  try {
    read = await readAt(octokit, at)
  } catch (error) {
    return {
      baseNote: `The manifests at the base commit ${short} could not be read (${describeError(error)}), so there is no change to show.`,
    }
  }
  const { manifests, problems } = read
  if (problems.length > 0) {
    // Name the first problem: "1 problem in x.yml" alone leaves the reader guessing what is wrong at base.
    const [first] = problems
    const more = problems.length > 1 ? `; ${summarizeProblems(problems)} in all` : ''
    const what = first ? `${formatPosition({ file: first.file, line: first.line })}: ${first.message}${more}` : summarizeProblems(problems)
    return { baseNote: `The manifests at the base commit ${short} are invalid (${what}), so there is no change to show.` }
  }
  return { base: manifests }
}
