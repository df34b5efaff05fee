/**
 * `npm run demo`: price examples/generations.yml with the built CLI (dist/cli/index.js) against the
 * local Layer simulator on a free loopback port. No credentials, no network; the prices are made up.
 */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSimulator } from '../src/simulator/server.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// `npm run demo -- --min-remaining-balance 2450`: the first argument is the manifest only when it is not a flag.
const given = process.argv[2] !== undefined && !process.argv[2].startsWith('-')
const manifest = given ? process.argv[2]! : 'examples/generations.yml'
const rest = process.argv.slice(given ? 3 : 2)

const simulator = await startSimulator({ latencyMs: 20 })
process.stderr.write(
  `Layer simulator on ${simulator.url}. Its prices and balance are MADE UP for this demo: they are not Layer's.\n` +
    `Pricing ${manifest} with: layer-budget-gate ${manifest} --api-url ${simulator.url}\n\n`,
)
const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'index.js'), manifest, '--api-url', simulator.url, ...rest], {
  cwd: root,
  env: { ...process.env, LAYER_API_TOKEN: simulator.token },
  stdio: 'inherit',
})
const code = await new Promise<number>((resolve) => child.on('close', (exitCode) => resolve(exitCode ?? 2)))
await simulator.close()
process.stderr.write(`\n(${simulator.requests} estimate requests answered by the simulator; exit code ${code})\n`)
process.exitCode = code
