/**
 * The leaf vocabulary of located problems: where something is in a manifest, and what is wrong
 * there. Every stage uses these; this module imports nothing.
 */

/** A place in a manifest file. `file` is relative to the workspace, `line` and `col` are 1-based. */
export interface Position {
  file: string
  line: number
  col: number
}

/** One problem the user must fix, shown as a GitHub error annotation on the file. */
export interface Problem extends Position {
  /** Short title of the annotation, e.g. "Unknown key". */
  title: string
  /** What is wrong and what to do, e.g. `unknown key "widht" in generations[0]: did you mean "width"?` */
  message: string
  /** The field's path in the manifest, e.g. "generations[2].width". */
  path?: string
}

/** `file:line:col` (or `file:line` without a column), the way compilers and GitHub name a place. */
export function formatPosition(position: { file: string; line: number; col?: number }): string {
  return position.col === undefined ? `${position.file}:${position.line}` : `${position.file}:${position.line}:${position.col}`
}
