/**
 * Loading the manifests of a run: each file's text parsed (manifest/parse.ts), the manifests and
 * problems gathered across files, the run's generation cap checked after each file. The workspace
 * reader (`loadManifests`, files from manifest/files.ts) and the GitHub reader (github/manifests.ts,
 * files at a commit) both gather through `gatherManifest`.
 */
import { ManifestError } from '../errors.js'
import type { Manifest } from '../types.js'
import type { Problem } from '../problem.js'
import { readManifestFile, resolveManifestFiles, type ManifestSource } from './files.js'
import { MAX_GENERATIONS } from './limits.js'
import { parseManifest } from './parse.js'
import { listFiles, sortProblems, summarizeProblems } from './problems.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'

/** The manifests and the problems of the files read so far. */
export interface Gathered {
  manifests: Manifest[]
  problems: Problem[]
}

/** An empty gathering, to pass to `gatherManifest` file by file. */
export function gathered(): Gathered {
  return { manifests: [], problems: [] }
}

/**
 * Parses one manifest's text (`file` is the path shown in problems) into `into`. Throws
 * `ManifestError` when the manifests gathered so far list more than MAX_GENERATIONS generations,
 * so a run over the limit stops at the file that crosses it. The advice is worded in `words`.
 */
export function gatherManifest(into: Gathered, file: string, text: string, words: Vocabulary = ACTION_WORDS): void {
  const result = parseManifest(file, text, words)
  into.problems.push(...result.problems)
  if (result.manifest) into.manifests.push(result.manifest)
  checkGenerationTotal(into.manifests, words)
}

/** The gathered manifests, or a `ManifestError` carrying every problem of every file, in file order. */
export function manifestsOrThrow({ manifests, problems }: Gathered): Manifest[] {
  if (problems.length === 0) return manifests
  const sorted = sortProblems(problems)
  throw new ManifestError(summarizeProblems(sorted), sorted)
}

/**
 * Finds, reads and validates every manifest named by `patterns` (relative to `workspace`).
 * Throws `ManifestError` carrying every problem of every file when any is invalid; its advice in `words`.
 */
export async function loadManifests(
  workspace: string,
  patterns: readonly string[],
  source: ManifestSource = {},
  words: Vocabulary = ACTION_WORDS,
): Promise<Manifest[]> {
  const files = await resolveManifestFiles(workspace, patterns, source)
  const into = gathered()
  for (const file of files) {
    let text: string
    try {
      text = await readManifestFile(workspace, file)
    } catch (error) {
      // A located problem (too large, not UTF-8) joins the others; anything else stops here.
      if (error instanceof ManifestError && error.problems.length > 0) {
        into.problems.push(...error.problems)
        continue
      }
      throw error
    }
    gatherManifest(into, file, text, words)
  }
  return manifestsOrThrow(into)
}

/** Throws when `manifests` together list more than MAX_GENERATIONS generations (how to split them in `words`). */
export function checkGenerationTotal(manifests: readonly Manifest[], words: Vocabulary = ACTION_WORDS): void {
  let total = 0
  for (const manifest of manifests) total += manifest.generations.length
  if (total <= MAX_GENERATIONS) return
  const files = listFiles(manifests.map((manifest) => manifest.file))
  throw new ManifestError(
    `the manifests list ${total.toLocaleString('en-US')} generations (${files}); one run prices at most ${MAX_GENERATIONS.toLocaleString('en-US')}: ${words.split}`,
  )
}
