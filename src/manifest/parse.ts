/**
 * Manifest text -> validated generations, with file, line and column for every value (pure: no
 * I/O). In order: the size cap; the fast reader (manifest/fast-reader.ts), which reads plain block
 * YAML and, when the schema and the builder find nothing wrong, gives the manifest directly; and
 * else, from the start, the full reader (manifest/full-reader.ts), the schema with every issue
 * placed (manifest/problems.ts) and the builder (manifest/build.ts) again, which report every
 * problem at once. Later steps are skipped only when an earlier one makes their findings
 * meaningless (broken YAML, an alias bomb, a different manifest version).
 */
import { LineCounter } from 'yaml'
import type { Manifest } from '../types.js'
import type { Problem } from '../problem.js'
import { buildManifest } from './build.js'
import { readPlainYaml } from './fast-reader.js'
import { describeByteLimit } from './files.js'
import { lineStarts, readFullYaml } from './full-reader.js'
import { JIT_FROM_GENERATIONS, MAX_GENERATIONS, MAX_MANIFEST_BYTES, MAX_NESTING, MAX_VALUES } from './limits.js'
import { toPlaced, toPlain, type LocatedMap } from './located.js'
import { FileProblems, reportSchemaIssues, reportTooManyGenerations, showValue } from './problems.js'
import { ManifestSchema } from './schema.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'

/** The outcome of parsing one manifest: the manifest when there is no problem. */
export interface ParseResult {
  manifest?: Manifest
  problems: Problem[]
}

/**
 * Parses and validates one manifest. `file` is the workspace-relative path put in every Problem.
 * Pure: the text comes in, the manifest (when valid) and every problem found come out. Advice
 * that depends on how the run is asked for (action inputs, CLI flags) is worded in `words`.
 */
export function parseManifest(file: string, text: string, words: Vocabulary = ACTION_WORDS): ParseResult {
  return parseWith(file, text, true, words)
}

/** `parseManifest` through the full reader only; for tests that hold the fast path to it. */
export function parseManifestFully(file: string, text: string): ParseResult {
  return parseWith(file, text, false, ACTION_WORDS)
}

/**
 * The manifest the fast path gives for `text`, or `undefined` when it steps aside (a construct the
 * fast reader does not read, or any problem but too many generations). For tests of the fast path.
 */
export function parseFast(file: string, text: string): ParseResult | undefined {
  const fast = readFast(file, text, ACTION_WORDS)
  return fast && (fast.manifest ? { manifest: fast.manifest, problems: [] } : { problems: fast.problems.sorted() })
}

function parseWith(file: string, text: string, fastPath: boolean, words: Vocabulary): ParseResult {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_MANIFEST_BYTES) {
    const message = `${file} is ${bytes} bytes; a manifest may be at most ${describeByteLimit(MAX_MANIFEST_BYTES)}: split it into several files`
    return { problems: [{ file, line: 1, col: 1, title: 'Manifest too large', message }] }
  }
  // A valid manifest in plain block YAML (nearly every real one) takes the fast path; anything
  // else, and every file with a problem, the full path, which finds and places every problem.
  const { manifest, problems } = (fastPath ? readFast(file, text, words) : undefined) ?? readFully(file, text, words)
  const sorted = problems.sorted()
  return sorted.length === 0 && manifest ? { manifest, problems: sorted } : { problems: sorted }
}

interface Outcome {
  manifest?: Manifest | undefined
  problems: FileProblems
}

/**
 * The fast path, or `undefined` when it steps aside: the fast reader does not read the text, or
 * the schema or the builder objects (the full path then words every problem). Its one problem of
 * its own is too many generations, which the full path would take seconds to find.
 */
function readFast(file: string, text: string, words: Vocabulary): Outcome | undefined {
  const lines = new LineCounter()
  const data = readPlainYaml(text, { maxValues: MAX_VALUES, maxNesting: MAX_NESTING }, lines)
  if (data === undefined) return undefined
  const problems = new FileProblems(file, lines)
  const { root, places } = data
  if (Array.isArray(root.generations) && root.generations.length > MAX_GENERATIONS) {
    const at = places.get(root)?.valueAts[Object.keys(root).indexOf('generations')] ?? 0
    reportTooManyGenerations(problems, at, root.generations.length, words)
    return { problems }
  }
  // zod compiles a parser for each object schema on first use: worth it for a long list of
  // generations, slower than its plain checks for a short one. Same verdict either way.
  const count = Array.isArray(root.generations) ? root.generations.length : 0
  if (!ManifestSchema.safeParse(root, { jitless: count < JIT_FROM_GENERATIONS }).success) return undefined
  const manifest = buildManifest(data, problems)
  return problems.any ? undefined : { manifest, problems }
}

function readFully(file: string, text: string, words: Vocabulary): Outcome {
  const problems = new FileProblems(file, lineStarts(text))
  const root = readFullYaml(text, problems)
  if (root === undefined) return { problems }
  if (root.kind !== 'map') {
    const got = showValue(toPlain(root))
    problems.add(root.at, 'Invalid manifest', `the manifest must be a mapping with \`version: 1\` and \`generations:\`, got ${got}`)
    return { problems }
  }
  if (!checkVersion(root, problems)) return { problems }
  const listed = root.entries.get('generations')
  if (listed?.node.kind === 'seq' && listed.node.items.length > MAX_GENERATIONS) {
    reportTooManyGenerations(problems, listed.keyAt, listed.node.items.length, words)
    return { problems }
  }
  const data = toPlaced(root)
  const result = ManifestSchema.safeParse(data.root)
  if (!result.success) reportSchemaIssues(problems, root, result.error.issues)
  return { manifest: buildManifest(data, problems), problems }
}

/** A version other than 1 makes every other finding meaningless: reported alone. */
function checkVersion(root: LocatedMap, problems: FileProblems): boolean {
  const version = root.entries.get('version')?.node
  if (version?.kind === 'scalar' && typeof version.value === 'number' && version.value !== 1) {
    problems.add(version.at, 'Unsupported version', `version ${version.value} is not supported: this action reads version 1`, ['version'])
    return false
  }
  return true
}
