import { keepWebAssemblyOnBaseline } from './liftoff.js'

// Before undici loads (liftoff.ts says why), hence main.js is imported afterwards ("eager": bundled
// into this file, no chunk).
keepWebAssemblyOnBaseline()

// The action's entry point: run() reports every failure through the step itself.
void import(/* webpackMode: "eager" */ './main.js').then(({ run }) => run())
