import { describeError, ManifestError } from '../errors.js'
import { parseManifest, summarizeProblems } from '../manifest/load.js'
import { listFilesAt, matchFiles, readFileAt } from './contents.js'
import type { Octokit } from './octokit.js'
import type { Manifest, Problem } from '../types.js'

/** A commit of the repository, read through the GitHub API. */
export interface CommitRef {
  owner: string
  repo: string
  ref: string
  patterns: string[]
}

/** Read and parse the manifests that `patterns` match at a commit; the files are data, never run. */
async function readAt(octokit: Octokit, at: CommitRef): Promise<{ files: string[]; manifests: Manifest[]; problems: Problem[] }> {
  const files = matchFiles(await listFilesAt(octokit, at), at.patterns)
  const manifests: Manifest[] = []
  const problems: Problem[] = []
  for (const file of files) {
    const text = await readFileAt(octokit, { owner: at.owner, repo: at.repo, path: file, ref: at.ref })
    if (text === undefined) continue
    const parsed = parseManifest(file, text)
    problems.push(...parsed.problems)
    if (parsed.manifest) manifests.push(parsed.manifest)
  }
  return { files, manifests, problems }
}

/** The head manifests at a commit (pull_request_target): every problem fails the run, like local files. */
export async function loadManifestsAt(octokit: Octokit, at: CommitRef): Promise<Manifest[]> {
  const { files, manifests, problems } = await readAt(octokit, at)
  if (files.length === 0) {
    throw new ManifestError(
      `no manifest found at ${at.patterns.join(', ')} in commit ${at.ref.slice(0, 7)} (input \`manifest\`): add it to the pull request or point \`manifest\` at your file`,
    )
  }
  if (problems.length > 0) throw new ManifestError(summarizeProblems(problems), problems)
  return manifests
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
    return { baseNote: `The manifests at the base commit ${short} could not be read (${describeError(error)}), so there is no change to show.` }
  }
  const { manifests, problems } = read
  if (problems.length > 0) {
    return { baseNote: `The manifests at the base commit ${short} are invalid (${summarizeProblems(problems)}), so there is no change to show.` }
  }
  return { base: manifests }
}
