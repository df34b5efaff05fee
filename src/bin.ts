#!/usr/bin/env node
import { main } from './cli/main.js'

// The CLI's entry point (package.json `bin`); main() never throws and returns the exit code.
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
})
