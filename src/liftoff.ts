/**
 * Keeps WebAssembly on V8's baseline compiler on Node < 22. undici (imported by @actions/core, and
 * our Layer client's HTTP stack) compiles its WebAssembly HTTP parser as soon as it is loaded, and V8
 * then recompiles the parser's huge state machine with its optimising compiler on a background
 * thread: about 30 MB of memory and 100-200 ms of CPU (the process even waits for it before exiting)
 * for a parser that reads a few hundred bytes per answer here. The flag must be set before undici
 * loads: both entry points (index.ts, the action; bin.ts, the CLI) call this first and import the
 * rest afterwards ("eager": bundled into the same file, no chunk).
 * Measured with `npm run bench` (scenario C): on Node 20 this saves the action about 70 ms and 30 MB,
 * and a one-generation CLI run about 160 ms (520 -> 360 ms); on Node 24 (GitHub's runners), whose V8
 * compiles WebAssembly lazily, it costs about 20 ms, so only Node < 22.
 */

/** What is used of node:v8. */
export interface V8Flags {
  setFlagsFromString(flags: string): void
}

/** Whether Node `version` (e.g. "20.19.0") is one whose V8 is better kept on baseline WebAssembly. */
export function wantsLiftoffOnly(version: string): boolean {
  return Number(version.split('.')[0]) < 22
}

/**
 * Sets `--liftoff-only` on Node < 22. node:v8 is loaded only then, through
 * `process.getBuiltinModule` (a static import would load it on Node 24 too, about a millisecond of
 * start-up for nothing). Node 20 lines before 20.16 have no getBuiltinModule: they run without the
 * flag, slower but the same.
 */
export function keepWebAssemblyOnBaseline(
  version: string = process.versions.node,
  builtin: ((id: 'node:v8') => V8Flags) | undefined = process.getBuiltinModule?.bind(process),
): void {
  if (wantsLiftoffOnly(version)) builtin?.('node:v8').setFlagsFromString('--liftoff-only')
}
