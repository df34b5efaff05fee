import { setFlagsFromString } from 'node:v8'

// undici (imported by @actions/core, and our Layer client's HTTP stack) compiles its WebAssembly
// HTTP parser as soon as it is loaded, and V8 then recompiles the parser's huge state machine with
// its optimising compiler on a background thread: about 30 MB of memory and 100-200 ms of CPU (the
// process even waits for it before exiting) for a parser that reads a few hundred bytes per answer
// here. Keeping WebAssembly on V8's baseline compiler avoids all of it. The flag must be set before
// undici loads, hence main.js is imported afterwards ("eager": bundled into this file, no chunk).
// Measured with `npm run bench` (scenario C): on Node 20 this saves about 70 ms and 30 MB; on Node 24
// (GitHub's runners), whose V8 compiles WebAssembly lazily, it costs about 20 ms, so only Node < 22.
if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--liftoff-only')

// The action's entry point: run() reports every failure through the step itself.
void import(/* webpackMode: "eager" */ './main.js').then(({ run }) => run())
