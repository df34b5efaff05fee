/**
 * The glob library the manifest search uses (tinyglobby, with picomatch and fdir), behind a module
 * of our own so that files.ts can load it on demand by a literal path: the action's bundle then
 * holds it in a chunk of its own (dist/NNN.index.js). Functions rather than a re-export, so that the
 * bundler keeps this module where cli/git.ts imports it (the CLI's bundle then has it at hand and
 * needs no chunk: an e2e test, chunks.test.ts, holds both).
 */
import { glob as globFiles, isDynamicPattern as isGlob, type GlobOptions } from 'tinyglobby'

/** tinyglobby's `isDynamicPattern`: whether `pattern` is a glob (or a negation) rather than a path. */
export function isDynamicPattern(pattern: string): boolean {
  return isGlob(pattern)
}

/** tinyglobby's `glob`: the paths that match `pattern`, relative to `options.cwd`. */
export function glob(pattern: string, options: GlobOptions): Promise<string[]> {
  return globFiles(pattern, options)
}
