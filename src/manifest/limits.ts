/**
 * How far an untrusted manifest may go: sizes, counts and depths past which it is refused, and the
 * options both YAML readers give the `yaml` library. The YAML may come from a fork's pull request,
 * so each limit sits well above any real manifest and well below where a hostile one would hurt.
 */
import type { DocumentOptions, ParseOptions, SchemaOptions } from 'yaml'

/** The largest manifest the action reads, in bytes. */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024
/** Deeper than any real manifest (about 6 levels) and far below where the YAML composer breaks. */
export const MAX_NESTING = 40
/** How many times `*alias` may be used in one file. */
export const MAX_ALIAS_USES = 500
/** How many values alias expansion may produce in one file, all uses together ("billion laughs" stop). */
export const MAX_ALIAS_VALUES = 20_000
/**
 * Values (scalars, lists, mappings, aliases) one file may hold. A big real manifest has a few tens
 * of thousands; the YAML composer needs seconds per million, so this keeps a hostile 5 MiB file of
 * `[1,1,1,…]` from holding the run for a quarter of a minute.
 */
export const MAX_VALUES = 200_000
/**
 * Generations one run may price, all manifests together. The benchmark holds 10,000 within 1.5 s
 * and 120 MB; 100,000 would take about 370 MB and 6 s, and a plan that big is a mistake or an attack.
 */
export const MAX_GENERATIONS = 10_000
/** From this many generations on, zod's compiled parsers validate the fast path's data. */
export const JIT_FROM_GENERATIONS = 500
/** YAML syntax errors shown per file: past this, the rest are one line. */
export const MAX_SYNTAX_PROBLEMS = 20
/** Problems kept per file; the rest are counted in one last problem (GitHub shows 10 annotations a step anyway). */
export const MAX_PROBLEMS_PER_FILE = 200

/**
 * Characters of manifest text one message may quote (a key, a name, a token the YAML library
 * names): the file may hold anything, even a credential, so messages show a short excerpt only.
 */
export const MAX_EXCERPT_CHARS = 40

/** How the readers ask the `yaml` library to read a manifest; shared by both paths so they cannot drift. */
export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  prettyErrors: false,
  version: '1.2',
  schema: 'core', // wins over a `%YAML 1.1` directive: no yes/no booleans, no 1.1 types
  merge: false, // `<<` is reported as a problem instead of silently merged
  resolveKnownTags: false, // !!binary, !!set, !!timestamp... stay unresolved and are reported
  uniqueKeys: false, // checked by the full reader, which can name the mapping the duplicate is in
  strict: true,
}
