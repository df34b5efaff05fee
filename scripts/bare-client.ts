/**
 * The bench's reference for scenario F (scripts/bench.ts): a bare undici client, with nothing of the
 * action (no start-up to speak of, no manifest, no checks of the answers), sending F's 250 distinct
 * request bodies to the simulator at BARE_URL with concurrency 8, one request per connection as the
 * action does. It prints the milliseconds from the first request to the last answer: what the
 * network bound costs on this machine once two processes hand each connection over.
 */
import pLimit from 'p-limit'
import { Agent, request } from 'undici'
import { SIM_MODELS } from '../src/simulator/prices.js'
import { BENCH_BATCH_SIZE, variantFields } from './variant.js'

const url = process.env.BARE_URL
const token = process.env.BARE_TOKEN
const workspace = process.env.BARE_WORKSPACE
if (!url || !token || !workspace) throw new Error('BARE_URL, BARE_TOKEN and BARE_WORKSPACE are needed')
const agent = new Agent({ connections: 8 })
const limit = pLimit(8)
const target = `${url}/v1/workspaces/${workspace}/inferences/estimate`
const started = performance.now()
await Promise.all(
  Array.from({ length: 250 }, (_, variant) =>
    limit(async () => {
      const body = { model_id: SIM_MODELS.image.id, ...variantFields(variant), batch_size: BENCH_BATCH_SIZE }
      const res = await request(target, {
        method: 'POST',
        dispatcher: agent,
        reset: true,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      await res.body.text()
      if (res.statusCode !== 200) throw new Error(`the simulator answered ${res.statusCode}`)
    }),
  ),
)
process.stdout.write(`${(performance.now() - started).toFixed(1)}\n`)
await agent.close()
