/**
 * The Layer simulator as a standalone process (MADE-UP prices), for the README demo and the benchmark:
 *
 *   npx tsx src/simulator/main.ts [--port 0] [--host 127.0.0.1] [--latency-ms 0] [--balance 2500.75]
 *     [--workspace-id <uuid>] [--token sim-token] [--faults "0:429:2,3:reset,5:hang"] [--accept-any-model]
 *     [--forbid-extra-fields]
 *
 * Each flag can also come from the environment: LAYER_SIM_PORT, LAYER_SIM_HOST, LAYER_SIM_LATENCY_MS,
 * LAYER_SIM_BALANCE, LAYER_SIM_WORKSPACE_ID, LAYER_SIM_TOKEN, LAYER_SIM_FAULTS (a flag wins).
 * `--latency-ms` is the time from a request's arrival (its headers read) to its answer, the
 * simulator's own work inside it (server.ts).
 * `--faults` is the compact spec of `parseFaultSpec` (server.ts): comma-separated
 * `<requests>:<fault>` rules, requests `N`, `N-M`, `N-` or `*`, faults a status with an optional
 * Retry-After (`429:2`), `reset`, `hang`, `malformed`, `missing[:field]`, `wrong-type[:field]`.
 *
 * Once listening it prints ONE JSON line to stdout:
 *   {"url":"http://127.0.0.1:PORT/api","token":"sim-token","workspace_id":"…","prices":"made-up prices",
 *    "models":{"image":"…","video":"…","3d":"…","audio":"…","upscale":"…"}}
 * and runs until SIGTERM or SIGINT; it then prints a second line with its counters,
 *   {"requests":N,"max_in_flight":M}
 * and exits 0. A bad flag prints one line to stderr and exits 2.
 */
import { parseArgs } from 'node:util'
import { describeError } from '../errors.js'
import { SIMULATOR_PRICE_NOTE, SIM_MODELS } from './prices.js'
import { SIM_DEFAULT_BALANCE, SIM_TOKEN, SIM_WORKSPACE_ID, parseFaultSpec, startSimulator } from './server.js'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'latency-ms': { type: 'string' },
      balance: { type: 'string' },
      'workspace-id': { type: 'string' },
      token: { type: 'string' },
      faults: { type: 'string' },
      'accept-any-model': { type: 'boolean' },
      'forbid-extra-fields': { type: 'boolean' },
    },
    strict: true,
  })
  const env = process.env
  const port = number('--port', values.port ?? env.LAYER_SIM_PORT ?? '0', (n) => Number.isInteger(n) && n >= 0 && n < 65536)
  const latencyMs = number('--latency-ms', values['latency-ms'] ?? env.LAYER_SIM_LATENCY_MS ?? '0', (n) => n >= 0)
  const balance = number('--balance', values.balance ?? env.LAYER_SIM_BALANCE ?? String(SIM_DEFAULT_BALANCE), () => true)
  const workspaceId = values['workspace-id'] ?? env.LAYER_SIM_WORKSPACE_ID ?? SIM_WORKSPACE_ID
  const token = values.token ?? env.LAYER_SIM_TOKEN ?? SIM_TOKEN
  const faultSpec = values.faults ?? env.LAYER_SIM_FAULTS

  const simulator = await startSimulator({
    port,
    host: values.host ?? env.LAYER_SIM_HOST ?? '127.0.0.1',
    token,
    latencyMs,
    workspaces: { [workspaceId]: balance },
    faults: faultSpec ? parseFaultSpec(faultSpec) : undefined,
    acceptAnyModel: values['accept-any-model'] ?? false,
    forbidExtraFields: values['forbid-extra-fields'] ?? false,
    logLimit: 0,
  })
  const models = Object.fromEntries(Object.values(SIM_MODELS).map((model) => [model.kind, model.id]))
  process.stdout.write(
    `${JSON.stringify({ url: simulator.url, token, workspace_id: workspaceId, prices: SIMULATOR_PRICE_NOTE, models })}\n`,
  )

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void simulator.close().then(() => {
      process.stdout.write(`${JSON.stringify({ requests: simulator.requests, max_in_flight: simulator.maxInFlight })}\n`, () =>
        process.exit(0),
      )
    })
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

/** A numeric flag, or a usage error naming it. */
function number(flag: string, text: string, valid: (n: number) => boolean): number {
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n) || !valid(n)) throw new Error(`${flag}: "${text}" is not a valid value`)
  return n
}

main().catch((error: unknown) => {
  process.stderr.write(`layer simulator: ${describeError(error)}\n`)
  process.exit(2)
})
