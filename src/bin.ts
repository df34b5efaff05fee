#!/usr/bin/env node
import { keepWebAssemblyOnBaseline } from './liftoff.js'

// Before undici loads (liftoff.ts says why), hence cli/main.js is imported afterwards ("eager":
// bundled into this file, no chunk: the npm package ships the CLI as one file).
keepWebAssemblyOnBaseline()
const { main } = await import(/* webpackMode: "eager" */ './cli/main.js')

// The CLI's entry point (package.json `bin`); main() never throws and returns the exit code.
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
})
