/**
 * Problem wording: what the user reads about an invalid manifest (which value, where, what to do).
 * `FileProblems` collects one file's problems, placing text offsets on lines and columns; the
 * functions below word the schema's issues and the builder's checks across fields.
 */
import type { LineCounter } from 'yaml'
import type { z } from 'zod'
import type { Position, Problem } from '../problem.js'
import { MAX_EXCERPT_CHARS, MAX_GENERATIONS, MAX_PROBLEMS_PER_FILE } from './limits.js'
import { nodesAlong, toPlain, type Located, type Segment } from './located.js'
import { AliasNameSchema, MANIFEST_ONLY_KEYS, expectations, expectedAt, keysAt } from './schema.js'
import { suggestName } from './suggest.js'
import type { Vocabulary } from '../vocabulary.js'

/** A line and column in the file being read (1-based). */
export type LineCol = Omit<Position, 'file'>

/** Control characters, and the ones that reorder or hide text (bidirectional overrides, zero-width). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g

/** Manifest text as a message may show it: unsafe characters as `?`, at most MAX_EXCERPT_CHARS characters. */
export function excerpt(text: string): string {
  const chars = [...text.replace(UNSAFE_CHARS, '?')]
  return chars.length > MAX_EXCERPT_CHARS ? `${chars.slice(0, MAX_EXCERPT_CHARS).join('')}…` : chars.join('')
}

/** `"text"`, bounded and sanitised by `excerpt`. */
export function quoted(text: string): string {
  return `"${excerpt(text)}"`
}

/** The problems of one manifest file; past MAX_PROBLEMS_PER_FILE they are only counted. */
export class FileProblems {
  readonly list: Problem[] = []
  /** Problems found past MAX_PROBLEMS_PER_FILE. */
  hidden = 0

  constructor(
    /** The workspace-relative path put in every Problem. */
    readonly file: string,
    /** Line starts of the text, as the reader found them. */
    readonly lines: LineCounter,
  ) {}

  /** Whether any problem was found. */
  get any(): boolean {
    return this.list.length > 0 || this.hidden > 0
  }

  /** Whether the next problem would only be counted. */
  get full(): boolean {
    return this.list.length >= MAX_PROBLEMS_PER_FILE
  }

  /** Records a problem at `at` (a line and column, or an offset in the text); returns it unless only counted. */
  add(at: LineCol | number, title: string, message: string, path?: readonly Segment[]): Problem | undefined {
    if (this.full) {
      this.hidden++
      return undefined
    }
    const { line, col } = typeof at === 'number' ? this.lineCol(at) : at
    // Every message may quote the file: never a control character, whatever a caller put in it.
    const problem: Problem = { file: this.file, line, col, title, message: message.replace(UNSAFE_CHARS, '?') }
    if (path !== undefined && path.length > 0) problem.path = formatPath(path)
    this.list.push(problem)
    return problem
  }

  lineCol(offset: number): LineCol {
    const { line, col } = this.lines.linePos(offset)
    return { line, col }
  }

  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset)
    return { file: this.file, line, col }
  }

  /** Every problem in file order, then one that counts the hidden ones. */
  sorted(): Problem[] {
    const problems = sortProblems(this.list)
    if (this.hidden > 0) {
      const count = `${this.hidden} more problem${this.hidden === 1 ? '' : 's'}`
      problems.push({
        file: this.file,
        line: 1,
        col: 1,
        title: 'More problems',
        message: `${count} in ${this.file} not shown: fix the ${MAX_PROBLEMS_PER_FILE} above and run again`,
      })
    }
    return problems
  }
}

/** Problems by file, then line, then column. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1))
}

/** One line for many problems: "3 problems in .layer/a.yml", "4 problems in 2 manifests (.layer/a.yml, .layer/b.yml)". */
export function summarizeProblems(problems: readonly Problem[]): string {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`
  const files = [...new Set(problems.map((problem) => problem.file))].sort()
  if (files.length === 0) return `${count}`
  if (files.length === 1) return `${count} in ${files[0]}`
  return `${count} in ${files.length} manifests (${listFiles(files)})`
}

/** The first five files, then how many more. */
export function listFiles(files: readonly string[]): string {
  return files.slice(0, 5).join(', ') + (files.length > 5 ? `, … (${files.length - 5} more)` : '')
}

/** `generations[2].width`, `models["my model"]`. */
export function formatPath(path: readonly Segment[]): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) && segment.length <= MAX_EXCERPT_CHARS) text += text === '' ? segment : `.${segment}`
    else text += `[${JSON.stringify(excerpt(segment))}]`
  }
  return text
}

/** A value as a message shows it: short, quoted when it is text. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null (an empty value)'
  if (typeof value === 'string') {
    return value.length > 60 ? `a string of ${[...value].length} characters` : JSON.stringify(value)
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan'
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf'
    return String(value)
  }
  if (typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`
  return 'a mapping'
}

/** A hint for YAML's classic surprises: quoted numbers, and yes/no (text since YAML 1.2). */
function hintFor(expected: string, value: unknown): string {
  if (typeof value !== 'string') return ''
  if (/^(an integer|a number)/.test(expected) && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return ' (a quoted number is text: remove the quotes)'
  }
  if (expected.startsWith('true or false') && /^(y|yes|n|no|on|off|true|false)$/i.test(value)) {
    return ' (write true or false, unquoted)'
  }
  return ''
}

const TOP_KEYS_TEXT = 'version, workspace_id, models, defaults, generations'

/** The schema's issues, each placed on the key or value it is about (one problem per value). */
export function reportSchemaIssues(problems: FileProblems, root: Located, issues: readonly z.core.$ZodIssue[]): void {
  const seen = new Set<string>()
  for (const issue of issues) {
    if (problems.full) {
      problems.hidden += 1 // counted, not formatted: a hostile file can have a problem per value
      continue
    }
    const path = issue.path.filter((segment): segment is Segment => typeof segment !== 'symbol')
    const trail = nodesAlong(root, path)
    if (trail.some((node) => node.tainted)) continue // the tag itself is the problem

    if (issue.code === 'unrecognized_keys') {
      const parent = trail[trail.length - 1]
      for (const key of issue.keys) {
        const entry = parent?.kind === 'map' ? parent.entries.get(key) : undefined
        if (entry) reportUnknownKey(problems, path, key, entry.keyAt)
      }
      continue
    }

    const id = formatPath(path)
    if (seen.has(id)) continue // one problem per value is enough
    seen.add(id)

    if (issue.code === 'invalid_key') {
      const parent = nodesAlong(root, path.slice(0, -1)).pop()
      const key = String(path[path.length - 1])
      const entry = parent?.kind === 'map' ? parent.entries.get(key) : undefined
      problems.add(
        entry?.keyAt ?? parent?.at ?? root.at,
        'Invalid alias',
        `model alias ${quoted(key)} is not allowed: use ${expectations.get(AliasNameSchema)?.expected ?? 'a plain name'}`,
        path,
      )
      continue
    }

    const node = trail.length === path.length + 1 ? trail[trail.length - 1] : undefined
    if (node === undefined) {
      const parent = trail[trail.length - 1] ?? root
      reportMissing(problems, path, parent.at)
      continue
    }
    const value = toPlain(node)
    if (id === 'version') {
      problems.add(node.at, 'Invalid value', `version must be 1, got ${showValue(value)}`, path)
      continue
    }
    const expected = expectedAt(path) ?? 'a valid value'
    problems.add(node.at, 'Invalid value', `${id} must be ${expected}, got ${showValue(value)}${hintFor(expected, value)}`, path)
  }
}

function reportUnknownKey(problems: FileProblems, parentPath: readonly Segment[], key: string, at: number): void {
  const path = [...parentPath, key]
  const allowed = keysAt(parentPath)
  if (parentPath.length === 1 && parentPath[0] === 'defaults' && MANIFEST_ONLY_KEYS.includes(key)) {
    problems.add(at, 'Unknown key', `${quoted(key)} cannot be set under defaults: set it on each generation`, path)
    return
  }
  const suggestion = suggestName(key, allowed)
  let advice: string
  if (suggestion !== undefined) advice = `did you mean "${suggestion}"?`
  else if (parentPath.length === 0) advice = `the top level takes ${TOP_KEYS_TEXT}`
  else if (allowed.length <= 8) advice = `allowed here: ${allowed.join(', ')}`
  else if (parentPath[0] === 'defaults') advice = "defaults take the fields of Layer's estimate request (see the manifest JSON Schema)"
  else
    advice = `a generation takes ${MANIFEST_ONLY_KEYS.join(', ')} and the fields of Layer's estimate request (see the manifest JSON Schema)`
  const where = parentPath.length === 0 ? 'at the top level' : `in ${formatPath(parentPath)}`
  problems.add(at, 'Unknown key', `unknown key ${quoted(key)} ${where}: ${advice}`, path)
}

function reportMissing(problems: FileProblems, path: readonly Segment[], at: number): void {
  const key = String(path[path.length - 1])
  const parent = formatPath(path.slice(0, -1))
  let message: string
  if (path.length === 1 && key === 'version') message = 'missing version: start the manifest with `version: 1`'
  else if (path.length === 1 && key === 'generations') message = 'missing generations: list the planned generations under `generations:`'
  else if (key === 'name') message = `${parent} has no name: give every generation a name, unique in this file`
  else message = `${parent || 'the manifest'} has no ${key}: it is required here`
  problems.add(at, 'Missing field', message, path)
}

/** More generations in one file than a run may price; how to split them is said in `words`. */
export function reportTooManyGenerations(problems: FileProblems, at: number, count: number, words: Vocabulary): void {
  problems.add(
    at,
    'Too many generations',
    `generations lists ${count.toLocaleString('en-US')} generations; one run prices at most ${MAX_GENERATIONS.toLocaleString('en-US')}: ${words.split}`,
    ['generations'],
  )
}

/** A model_id that is neither a UUID nor an alias from `models`, with the nearest alias when there is one. */
export function reportUnknownModel(
  problems: FileProblems,
  at: number,
  label: string,
  path: readonly Segment[],
  known: readonly string[],
): void {
  const suggestion = suggestName(label, known)
  const advice =
    known.length === 0
      ? `add it under \`models:\` (${excerpt(label)}: <model UUID>) or use the model's UUID`
      : `${suggestion ? `did you mean "${suggestion}"? ` : ''}known aliases: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}; add it under \`models:\` or use the model's UUID`
  problems.add(
    at,
    'Unknown model alias',
    `${quoted(label)} in ${formatPath(path)} is neither a model UUID nor an alias from models: ${advice}`,
    path,
  )
}

/** A generation name used twice in one file. */
export function reportDuplicateName(problems: FileProblems, at: number, name: string, firstAt: number, path: readonly Segment[]): void {
  const first = problems.lineCol(firstAt).line
  problems.add(
    at,
    'Duplicate name',
    `duplicate generation name ${quoted(name)} (first at line ${first}): names must be unique in a file`,
    path,
  )
}

/** A generation with no model_id of its own and none under defaults. */
export function reportMissingModel(problems: FileProblems, at: number, path: readonly Segment[]): void {
  problems.add(at, 'Missing field', `${formatPath(path)} has no model_id: set model_id on it or under \`defaults:\``, [...path, 'model_id'])
}
