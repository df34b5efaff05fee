/**
 * The Layer client against the simulator on 127.0.0.1: real sockets, no mocked fetch. Waits between
 * attempts go through an injected instant sleep that records the delays, so the suite takes
 * milliseconds; only the timeout tests spend real time (a few 50 ms attempts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { LayerError } from '../../src/layer/errors.js'
import { LayerClient } from '../../src/layer/client.js'
import type { LayerClientOptions, RetryInfo } from '../../src/layer/client.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'
import { SIM_DEFAULT_BALANCE, SIM_WORKSPACE_ID, startSimulator } from '../../src/simulator/server.js'
import type { Fault, Simulator } from '../../src/simulator/server.js'
import type { EstimateRequest } from '../../src/types.js'

/** Looks like a real PAT so a leak would be obvious in a failure message. */
const TOKEN = 'lyr_pat_9f8e7d6c5b4a39281706f5e4d3c2b1a0'
const FORBIDDEN = 'lyr_pat_forbidden_0123456789abcdef'
const WS = SIM_WORKSPACE_ID
const IMAGE = SIM_MODELS.image.id

let sim: Simulator
const clients: LayerClient[] = []

beforeAll(async () => {
  sim = await startSimulator({ token: TOKEN, forbiddenToken: FORBIDDEN })
})
afterAll(async () => {
  await sim.close()
})
beforeEach(() => {
  sim.setFaults(undefined)
  sim.setLatency(0)
  sim.setBalance(WS, SIM_DEFAULT_BALANCE)
  sim.resetStats()
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
})

interface Harness {
  client: LayerClient
  delays: number[]
  retries: RetryInfo[]
}

function harness(overrides: Partial<LayerClientOptions> = {}): Harness {
  const delays: number[] = []
  const retries: RetryInfo[] = []
  const client = new LayerClient({
    apiUrl: sim.url,
    token: TOKEN,
    timeoutMs: 5_000,
    maxRetries: 3,
    userAgent: 'layer-budget-gate/0.1.0-test',
    sleep: async (ms) => {
      delays.push(ms)
    },
    random: () => 0.5,
    onRetry: (info) => retries.push(info),
    ...overrides,
  })
  clients.push(client)
  return { client, delays, retries }
}

/** The LayerError a call rejects with (fails the test when it resolves or throws something else). */
async function failure(promise: Promise<unknown>): Promise<LayerError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(LayerError)
    return error as LayerError
  }
  throw new Error('expected the estimate to fail')
}

function always(fault: Fault): (n: number) => Fault {
  return () => fault
}

const image = (extra: Record<string, unknown> = {}): EstimateRequest => ({ model_id: IMAGE, ...extra })

describe('LayerClient: success', () => {
  it('returns the estimate exactly as Layer sent it', async () => {
    const { client, delays } = harness()
    await expect(client.estimate(WS, image())).resolves.toEqual({
      estimated_price_creative_units: 1.4,
      workspace_balance_creative_units: 2500.75,
      estimated_remaining_balance_creative_units: 2499.35,
      has_sufficient_creative_units: true,
      simulated: true, // the simulator marks its answers
    })
    await expect(
      client.estimate(WS, { model_id: SIM_MODELS.video.id, duration_seconds: 8, fps: 25, generate_audio: true }),
    ).resolves.toEqual({
      estimated_price_creative_units: 11.2,
      workspace_balance_creative_units: 2500.75,
      estimated_remaining_balance_creative_units: 2489.55,
      has_sufficient_creative_units: true,
      simulated: true, // the simulator marks its answers
    })
    expect(delays).toEqual([])
    expect(sim.requests).toBe(2)
  })

  it('passes through an insufficient balance and a negative remainder', async () => {
    sim.setBalance(WS, 1)
    const { client } = harness()
    await expect(client.estimate(WS, image({ width: 2048, height: 2048, quality: 'high', batch_size: 16 }))).resolves.toEqual({
      estimated_price_creative_units: 39.2,
      workspace_balance_creative_units: 1,
      estimated_remaining_balance_creative_units: -38.2,
      has_sufficient_creative_units: false,
      simulated: true, // the simulator marks its answers
    })
  })

  it('sends the body, the token, the User-Agent and JSON headers', async () => {
    const { client } = harness()
    const body = image({ prompt: 'A knight in silver armour, portrait', width: 1024, height: 1024, quality: 'medium' })
    await client.estimate(WS, body)
    expect(sim.log).toHaveLength(1)
    const [entry] = sim.log
    expect(entry).toMatchObject({ workspaceId: WS, body, status: 200 })
    expect(entry?.headers).toEqual({
      authorization: `Bearer ${TOKEN}`,
      userAgent: 'layer-budget-gate/0.1.0-test',
      contentType: 'application/json',
      accept: 'application/json',
    })
  })

  it('ignores a trailing slash on the api-url', async () => {
    const { client } = harness({ apiUrl: `${sim.url}/` })
    await expect(client.estimate(WS, image())).resolves.toMatchObject({ estimated_price_creative_units: 1.4 })
  })

  it('encodes the workspace id into one path segment', async () => {
    const { client } = harness()
    const error = await failure(client.estimate('../../evil?x=1#', image()))
    // The id arrived whole as the path parameter (and failed Layer-side UUID validation), not as a new path.
    expect(sim.log[0]?.workspaceId).toBe('../../evil?x=1#')
    expect(error.kind).toBe('validation')
    expect(error.fieldErrors).toEqual([
      { loc: ['path', 'workspace_id'], msg: 'Input should be a valid UUID, unable to parse string as a UUID' },
    ])
  })

  // Latencies long enough that the requests allowed overlap even on a loaded machine (at 30 ms a busy
  // loop could answer the first before the last arrived).
  it('keeps at most `connections` requests in flight', async () => {
    sim.setLatency(150)
    const { client } = harness({ connections: 2 })
    const bodies = Array.from({ length: 6 }, (_, i) => image({ batch_size: i + 1 }))
    const answers = await Promise.all(bodies.map((body) => client.estimate(WS, body)))
    expect(answers.map((a) => a.estimated_price_creative_units)).toEqual([0.35, 0.7, 1.05, 1.4, 1.75, 2.1])
    expect(sim.maxInFlight).toBe(2)
  })

  it('runs requests concurrently when connections allow', async () => {
    sim.setLatency(400)
    const { client } = harness({ connections: 6 })
    await Promise.all(Array.from({ length: 6 }, (_, i) => client.estimate(WS, image({ batch_size: i + 1 }))))
    expect(sim.maxInFlight).toBe(6)
  })
})

describe('LayerClient: retries', () => {
  it('backs off exponentially with full jitter and reports each retry', async () => {
    sim.setFaults([
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
    ])
    const { client, delays, retries } = harness({ maxRetries: 3 })
    await expect(client.estimate(WS, image())).resolves.toMatchObject({ estimated_price_creative_units: 1.4 })
    expect(delays).toEqual([250, 500, 1000])
    expect(retries).toEqual([
      { attempt: 1, delayMs: 250, reason: '503 Service Unavailable' },
      { attempt: 2, delayMs: 500, reason: '503 Service Unavailable' },
      { attempt: 3, delayMs: 1000, reason: '503 Service Unavailable' },
    ])
    expect(sim.requests).toBe(4)
  })

  it.each([408, 429, 500, 502, 503, 504])('retries %i, then returns the right answer', async (status) => {
    sim.setFaults([{ kind: 'status', status }])
    const { client, delays } = harness()
    await expect(client.estimate(WS, image({ quality: 'low' }))).resolves.toEqual({
      estimated_price_creative_units: 0.7,
      workspace_balance_creative_units: 2500.75,
      estimated_remaining_balance_creative_units: 2500.05,
      has_sufficient_creative_units: true,
      simulated: true, // the simulator marks its answers
    })
    expect(delays).toEqual([250])
    expect(sim.requests).toBe(2)
  })

  it('retries a reset connection, then returns the right answer', async () => {
    sim.setFaults([{ kind: 'reset' }, { kind: 'reset' }])
    const { client, retries } = harness()
    await expect(client.estimate(WS, image())).resolves.toMatchObject({ estimated_price_creative_units: 1.4 })
    expect(retries).toHaveLength(2)
    expect(retries[0]?.reason).toMatch(/ECONNRESET|other side closed|UND_ERR_SOCKET/)
    expect(sim.requests).toBe(3)
  })

  it('retries a refused connection and then reports a network error', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const { client, delays } = harness({ apiUrl: `http://127.0.0.1:${port}/api`, maxRetries: 2 })
    const error = await failure(client.estimate(WS, image()))
    expect(error.kind).toBe('network')
    expect(error.attempts).toBe(3)
    expect(delays).toHaveLength(2)
    expect(error.message).toBe(
      `Could not reach Layer at http://127.0.0.1:${port}/api (connect ECONNREFUSED 127.0.0.1:${port}, 3 attempts): check \`api-url\` and the runner's network`,
    )
  })

  it('honours Retry-After in seconds', async () => {
    sim.setFaults([{ kind: 'status', status: 429, retryAfter: '7' }])
    const { client, delays } = harness()
    await expect(client.estimate(WS, image())).resolves.toMatchObject({ estimated_price_creative_units: 1.4 })
    expect(delays).toEqual([7000])
  })

  it('honours Retry-After as an HTTP date', async () => {
    sim.setFaults([{ kind: 'status', status: 503, retryAfter: 'Wed, 21 Oct 2015 07:28:09 GMT' }])
    const { client, delays } = harness({ now: () => Date.parse('2015-10-21T07:28:00Z') })
    await expect(client.estimate(WS, image())).resolves.toMatchObject({ estimated_price_creative_units: 1.4 })
    expect(delays).toEqual([9000])
  })

  it('bounds Retry-After by maxRetryAfterMs (60 s by default)', async () => {
    sim.setFaults([
      { kind: 'status', status: 429, retryAfter: '3600' },
      { kind: 'status', status: 429, retryAfter: '3600' },
    ])
    const { client, delays } = harness()
    await client.estimate(WS, image())
    expect(delays).toEqual([60_000, 60_000])

    sim.setFaults([{ kind: 'status', status: 429, retryAfter: '3600' }])
    const bounded = harness({ maxRetryAfterMs: 5_000 })
    await bounded.client.estimate(WS, image())
    expect(bounded.delays).toEqual([5_000])
  })

  it('falls back to backoff when Retry-After is unreadable', async () => {
    sim.setFaults([{ kind: 'status', status: 429, retryAfter: 'later, please' }])
    const { client, delays } = harness()
    await client.estimate(WS, image())
    expect(delays).toEqual([250])
  })

  it.each<[string, Fault, string, number | undefined]>([
    ['503', { kind: 'status', status: 503 }, 'server', 503],
    ['500', { kind: 'status', status: 500 }, 'server', 500],
    ['408', { kind: 'status', status: 408 }, 'server', 408],
    ['429', { kind: 'status', status: 429 }, 'rate-limited', 429],
    ['reset', { kind: 'reset' }, 'network', undefined],
  ])('a persistent %s gives up after maxRetries+1 attempts', async (_name, fault, kind, status) => {
    sim.setFaults(always(fault))
    const { client, delays } = harness({ maxRetries: 2 })
    const error = await failure(client.estimate(WS, image()))
    expect(error.kind).toBe(kind)
    expect(error.status).toBe(status)
    expect(error.attempts).toBe(3)
    expect(error.message).toContain('3 attempts')
    expect(delays).toEqual([250, 500])
    expect(sim.requests).toBe(3)
  })

  it('makes a single attempt with maxRetries 0', async () => {
    sim.setFaults(always({ kind: 'status', status: 502 }))
    const { client, delays } = harness({ maxRetries: 0 })
    const error = await failure(client.estimate(WS, image()))
    expect(error).toMatchObject({ kind: 'server', status: 502, attempts: 1 })
    expect(error.message).toBe(
      `Layer answered 502 Bad Gateway for workspace ${WS} and model ${IMAGE} (1 attempt): Layer may be having trouble; re-run the job later`,
    )
    expect(delays).toEqual([])
    expect(sim.requests).toBe(1)
  })

  it('rate-limit message says what to do', async () => {
    sim.setFaults(always({ kind: 'status', status: 429, body: '{"detail":"Rate limit exceeded: 60 per minute"}' }))
    const { client } = harness({ maxRetries: 1 })
    const error = await failure(client.estimate(WS, image()))
    expect(error.message).toBe(
      'Layer kept rate-limiting the estimate requests (429 Too Many Requests, 2 attempts): lower `concurrency` or raise `max-retries`, then re-run the job. Layer said: "Rate limit exceeded: 60 per minute"',
    )
  })
})

describe('LayerClient: timeouts', () => {
  it('times out a hanging attempt and retries it', async () => {
    sim.setFaults([{ kind: 'hang' }])
    // 300 ms, not less: the retry must be answered within it, and a loaded machine took over 50 ms to.
    const { client, retries } = harness({ timeoutMs: 300 })
    await expect(client.estimate(WS, image())).resolves.toMatchObject({ estimated_price_creative_units: 1.4 })
    expect(retries).toEqual([{ attempt: 1, delayMs: 250, reason: 'no answer within 300 ms' }])
    expect(sim.requests).toBe(2)
  })

  it('reports a timeout when every attempt hangs', async () => {
    sim.setFaults(always({ kind: 'hang' }))
    const { client } = harness({ timeoutMs: 50, maxRetries: 2 })
    const started = Date.now()
    const error = await failure(client.estimate(WS, image()))
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(error).toMatchObject({ kind: 'timeout', attempts: 3, status: undefined })
    expect(error.message).toBe(
      `Layer did not answer within 0.1 s (3 attempts) for workspace ${WS} and model ${IMAGE}: raise \`request-timeout-seconds\` or re-run the job later`,
    )
    expect(sim.requests).toBe(3)
  })

  it('the timeout covers a slow answer, not just a silent one', async () => {
    sim.setLatency(200)
    const { client } = harness({ timeoutMs: 40, maxRetries: 0 })
    const error = await failure(client.estimate(WS, image()))
    expect(error.kind).toBe('timeout')
  })
})

describe('LayerClient: errors that are not retried', () => {
  it('401: names the token secret, never prints it', async () => {
    const wrong = 'lyr_pat_wrong_000000000000000000'
    const { client, delays } = harness({ token: wrong })
    const error = await failure(client.estimate(WS, image()))
    expect(error).toMatchObject({ kind: 'auth', status: 401, attempts: 1 })
    expect(error.message).toBe(
      'Layer refused the token (401 Unauthorized): check the `layer-token` secret (LAYER_API_TOKEN for the CLI), ' +
        'a Personal Access Token from app.layer.ai → Settings → Personal Access Tokens, ' +
        `and that it can access workspace ${WS}. Layer said: "Not authenticated"`,
    )
    expect(String(error)).not.toContain(wrong)
    expect(delays).toEqual([])
    expect(sim.requests).toBe(1)
  })

  it('403: the token is valid but lacks access to the workspace', async () => {
    const { client } = harness({ token: FORBIDDEN })
    const error = await failure(client.estimate(WS, image()))
    expect(error).toMatchObject({ kind: 'auth', status: 403, attempts: 1 })
    expect(error.message).toContain(`Layer refused access to workspace ${WS} (403 Forbidden)`)
    expect(error.message).toContain('`layer-token`')
    expect(error.message).toContain('Layer said: "Not enough permissions to access this workspace"')
    expect(error.message).not.toContain(FORBIDDEN)
    expect(sim.requests).toBe(1)
  })

  it("404 for an unknown workspace names both ids and Layer's detail", async () => {
    const unknown = '11111111-2222-4333-8444-555555555555'
    const { client } = harness()
    const error = await failure(client.estimate(unknown, image()))
    expect(error).toMatchObject({ kind: 'not-found', status: 404, attempts: 1 })
    expect(error.message).toBe(
      `Layer answered 404 for workspace ${unknown} and model ${IMAGE}: Workspace not found. Check \`workspace-id\` and the generation's \`model_id\``,
    )
    expect(sim.requests).toBe(1)
  })

  it('404 for an unknown model', async () => {
    const model = '3c90c3cc-0d44-4b50-8888-000000000000'
    const { client } = harness()
    const error = await failure(client.estimate(WS, { model_id: model }))
    expect(error.message).toBe(
      `Layer answered 404 for workspace ${WS} and model ${model}: Model not found. Check \`workspace-id\` and the generation's \`model_id\``,
    )
  })

  it('404 from a wrong api-url path points at api-url', async () => {
    const { client } = harness({ apiUrl: `${sim.url}/v2` })
    const error = await failure(client.estimate(WS, image()))
    expect(error.kind).toBe('not-found')
    expect(error.message).toContain(`check \`api-url\` (${sim.url}/v2)`)
    expect(sim.requests).toBe(0)
  })

  it('422 maps FastAPI field errors', async () => {
    const { client } = harness()
    const error = await failure(client.estimate(WS, image({ batch_size: 17, prompt_strength: 2, quality: 'ultra' })))
    expect(error).toMatchObject({ kind: 'validation', status: 422, attempts: 1 })
    expect(error.fieldErrors).toEqual([
      { loc: ['body', 'batch_size'], msg: 'Input should be less than or equal to 16' },
      { loc: ['body', 'prompt_strength'], msg: 'Input should be less than or equal to 1' },
      { loc: ['body', 'quality'], msg: "Input should be 'low', 'medium' or 'high'" },
    ])
    expect(error.message).toBe(
      `Layer rejected the request for model ${IMAGE} (422 Unprocessable Entity): ` +
        "batch_size: Input should be less than or equal to 16; prompt_strength: Input should be less than or equal to 1; quality: Input should be 'low', 'medium' or 'high'",
    )
    expect(sim.requests).toBe(1)
  })

  it('422 with nested locations and lenient shapes', async () => {
    const body = JSON.stringify({
      detail: [
        { loc: ['body', 'video_effects', 0, 'name'], msg: 'Field required', type: 'missing' },
        { loc: 'body', msg: 'odd loc' },
        { msg: 'no loc at all' },
        'just a string',
        42,
        { loc: ['body', 'fps'], message: 'message instead of msg' },
      ],
    })
    sim.setFaults([{ kind: 'status', status: 422, body }])
    const { client } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error.fieldErrors).toEqual([
      { loc: ['body', 'video_effects', 0, 'name'], msg: 'Field required' },
      { loc: ['body'], msg: 'odd loc' },
      { loc: [], msg: 'no loc at all' },
      { loc: [], msg: 'just a string' },
      { loc: ['body', 'fps'], msg: 'message instead of msg' },
    ])
    expect(error.message).toContain(
      'video_effects[0].name: Field required; odd loc; no loc at all; just a string; fps: message instead of msg',
    )
  })

  it.each([
    ['{"detail":"Invalid model parameters"}', 'Invalid model parameters'],
    ['{"message":"width too large"}', 'width too large'],
    ['<html>Unprocessable</html>', '<html>Unprocessable</html>'],
    ['', 'no details given'],
  ])('422 with a body like %s still says something useful', async (body, shown) => {
    sim.setFaults([{ kind: 'status', status: 422, body }])
    const { client } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error.kind).toBe('validation')
    expect(error.fieldErrors).toEqual([])
    expect(error.message).toBe(`Layer rejected the request for model ${IMAGE} (422 Unprocessable Entity): ${shown}`)
  })

  it.each([
    [400, 'bad-request'],
    [405, 'bad-request'],
    [413, 'bad-request'],
    [418, 'bad-request'],
    [501, 'server'],
    [301, 'bad-request'],
  ])('%i is not retried (%s)', async (status, kind) => {
    sim.setFaults([{ kind: 'status', status, body: '{"detail":"nope"}' }])
    const { client, delays } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error).toMatchObject({ kind, status, attempts: 1 })
    expect(error.message).toContain('Layer said: "nope"')
    expect(delays).toEqual([])
    expect(sim.requests).toBe(1)
  })

  it('400 message names the workspace and model', async () => {
    sim.setFaults([{ kind: 'status', status: 400, body: '{"detail":"Unsupported parameter for this model: fps"}' }])
    const { client } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error.message).toBe(
      `Layer rejected the request for workspace ${WS} and model ${IMAGE} (400 Bad Request): ` +
        'check the generation\'s fields against Layer\'s estimate endpoint. Layer said: "Unsupported parameter for this model: fps"',
    )
  })

  it('a retryable failure followed by a final one reports the final kind and the attempts so far', async () => {
    sim.setFaults([
      { kind: 'status', status: 503 },
      { kind: 'status', status: 404, body: '{"detail":"Model not found"}' },
    ])
    const { client } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error).toMatchObject({ kind: 'not-found', attempts: 2 })
    expect(sim.requests).toBe(2)
  })
})

describe('LayerClient: malformed answers', () => {
  it.each<[string, Fault, string]>([
    ['invalid JSON', { kind: 'malformed' }, 'the answer is not JSON: "{"estimated_price_creative_units": 1.25, "workspace_bal"'],
    ['a missing price', { kind: 'missing-field' }, 'missing estimated_price_creative_units'],
    ['a missing boolean', { kind: 'missing-field', field: 'has_sufficient_creative_units' }, 'missing has_sufficient_creative_units'],
    ['a price as a string', { kind: 'wrong-type' }, 'estimated_price_creative_units is a string ("1.4"), expected a number'],
    [
      'the boolean as a string',
      { kind: 'wrong-type', field: 'has_sufficient_creative_units' },
      'has_sufficient_creative_units is a string ("true"), expected a boolean',
    ],
    ['an array', { kind: 'status', status: 200, body: '[1, 2]' }, 'expected a JSON object, got an array'],
    ['an empty body', { kind: 'status', status: 200, body: '' }, 'the answer is empty'],
    [
      'an infinite number',
      {
        kind: 'status',
        status: 200,
        body: '{"estimated_price_creative_units":1e999,"workspace_balance_creative_units":1,"estimated_remaining_balance_creative_units":1,"has_sufficient_creative_units":true}',
      },
      'estimated_price_creative_units is not a finite number',
    ],
    [
      'several problems',
      { kind: 'status', status: 200, body: '{"estimated_price_creative_units":null,"has_sufficient_creative_units":1}' },
      'estimated_price_creative_units is null, expected a number, missing workspace_balance_creative_units, missing estimated_remaining_balance_creative_units, has_sufficient_creative_units is a number, expected a boolean',
    ],
  ])('%s is a malformed error, not retried', async (_name, fault, what) => {
    sim.setFaults(always(fault))
    const { client, delays } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error).toMatchObject({ kind: 'malformed', status: 200, attempts: 1 })
    expect(error.message).toBe(
      `Layer's answer is not a valid estimate: ${what} (HTTP 200 for workspace ${WS} and model ${IMAGE}). Check \`api-url\` points at Layer's API (${sim.url})`,
    )
    expect(delays).toEqual([])
    expect(sim.requests).toBe(1)
  })

  it('refuses an answer larger than 1 MiB', async () => {
    sim.setFaults([{ kind: 'status', status: 200, body: `{"pad":"${'x'.repeat(1024 * 1024)}"}` }])
    const { client } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error.kind).toBe('malformed')
    expect(error.message).toContain('the answer is larger than 1024 KiB')
  })

  it('accepts extra fields in a valid answer and drops them', async () => {
    sim.setFaults([
      {
        kind: 'status',
        status: 200,
        body: '{"estimated_price_creative_units":0.25,"workspace_balance_creative_units":10,"estimated_remaining_balance_creative_units":9.75,"has_sufficient_creative_units":true,"currency":"CU"}',
      },
    ])
    const { client } = harness()
    await expect(client.estimate(WS, image())).resolves.toEqual({
      estimated_price_creative_units: 0.25,
      workspace_balance_creative_units: 10,
      estimated_remaining_balance_creative_units: 9.75,
      has_sufficient_creative_units: true,
      simulated: true, // the simulator marks its answers
    })
  })
})

describe('LayerClient: answers that lie', () => {
  const valid =
    '{"estimated_price_creative_units":5,"workspace_balance_creative_units":1000,"estimated_remaining_balance_creative_units":995,"has_sufficient_creative_units":true}'

  it.each([201, 203, 206, 299])('a %i with a valid estimate body is malformed, not retried', async (status) => {
    sim.setFaults(always({ kind: 'status', status, body: valid }))
    const { client, delays } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error).toMatchObject({ kind: 'malformed', status, attempts: 1 })
    expect(error.message).toContain(`only an HTTP 200 answer is an estimate (HTTP ${status} for workspace ${WS} and model ${IMAGE})`)
    expect(delays).toEqual([])
  })

  it.each<[string, string, string]>([
    [
      'a key given twice',
      valid.replace('}', ',"workspace_balance_creative_units":1000000}'),
      'the key "workspace_balance_creative_units" appears more than once',
    ],
    [
      'a price of 1e308',
      valid.replace('"estimated_price_creative_units":5', '"estimated_price_creative_units":1e308'),
      'beyond the 1,000,000,000 CU',
    ],
    [
      'figures that disagree',
      valid.replace('995', '-50').replace('true', 'false'),
      'the figures disagree: balance 1000 − price 5 is not the remaining balance -50',
    ],
  ])('%s is malformed', async (_name, body, what) => {
    sim.setFaults(always({ kind: 'status', status: 200, body }))
    const { client } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error).toMatchObject({ kind: 'malformed', status: 200, attempts: 1 })
    expect(error.message).toContain(what)
  })
})

describe('LayerClient: cancellation', () => {
  it('does not send anything when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const { client } = harness()
    const error = await failure(client.estimate(WS, image(), controller.signal))
    expect(error.kind).toBe('aborted')
    expect(error.message).toBe(`The estimate request for model ${IMAGE} in workspace ${WS} was cancelled before Layer answered`)
    expect(sim.requests).toBe(0)
  })

  it('aborts a request in flight at once', async () => {
    sim.setFaults(always({ kind: 'hang' }))
    const controller = new AbortController()
    const { client } = harness({ timeoutMs: 30_000 })
    const started = Date.now()
    const pending = client.estimate(WS, image(), controller.signal)
    while (sim.requests === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const error = await failure(pending)
    expect(error).toMatchObject({ kind: 'aborted', attempts: 1 })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(sim.requests).toBe(1)
  })

  it('aborts during the wait before a retry, with the real sleep', async () => {
    sim.setFaults(always({ kind: 'status', status: 429, retryAfter: '30' }))
    const controller = new AbortController()
    const { client } = harness({ sleep: undefined })
    const started = Date.now()
    const pending = client.estimate(WS, image(), controller.signal)
    setTimeout(() => controller.abort(), 50)
    const error = await failure(pending)
    expect(error.kind).toBe('aborted')
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(sim.requests).toBe(1)
  })

  it('aborts during the wait even when an injected sleep ignores the signal', async () => {
    sim.setFaults(always({ kind: 'status', status: 503 }))
    const controller = new AbortController()
    const { client } = harness({ sleep: () => new Promise(() => undefined) })
    const pending = client.estimate(WS, image(), controller.signal)
    while (sim.requests === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' })
  })
})

describe('LayerClient: the token never leaks', () => {
  const echoes: [string, Fault][] = [
    ['400 detail', { kind: 'status', status: 400, body: JSON.stringify({ detail: `token ${TOKEN} is malformed` }) }],
    ['401 text', { kind: 'status', status: 401, body: `Bearer ${TOKEN} rejected` }],
    ['404 detail', { kind: 'status', status: 404, body: JSON.stringify({ detail: `no workspace for ${TOKEN}` }) }],
    ['422 list', { kind: 'status', status: 422, body: JSON.stringify({ detail: [{ loc: ['header', TOKEN], msg: `bad ${TOKEN}` }] }) }],
    ['503 text', { kind: 'status', status: 503, body: `upstream saw Authorization: Bearer ${TOKEN}` }],
    ['200 not JSON', { kind: 'status', status: 200, body: `<html>${TOKEN}</html>` }],
    ['200 wrong type', { kind: 'status', status: 200, body: JSON.stringify({ estimated_price_creative_units: TOKEN }) }],
  ]

  it.each(echoes)('%s echoing the token is scrubbed', async (_name, fault) => {
    sim.setFaults(always(fault))
    const { client } = harness({ maxRetries: 1 })
    const error = await failure(client.estimate(WS, image()))
    for (const text of [String(error), error.message, JSON.stringify(error.fieldErrors), JSON.stringify(error)]) {
      expect(text).not.toContain(TOKEN)
    }
    expect(error.message).toContain('***')
  })

  it('no error of any kind contains the token or the Authorization header', async () => {
    const errors: LayerError[] = []
    for (const fault of [
      { kind: 'reset' },
      { kind: 'hang' },
      { kind: 'malformed' },
      { kind: 'missing-field' },
      { kind: 'status', status: 429 },
    ] satisfies Fault[]) {
      sim.setFaults(always(fault))
      errors.push(await failure(harness({ timeoutMs: 50, maxRetries: 1 }).client.estimate(WS, image())))
    }
    sim.setFaults(undefined)
    errors.push(await failure(harness().client.estimate(WS, image({ batch_size: 0 }))))
    errors.push(await failure(harness({ token: `${TOKEN}x` }).client.estimate(WS, image())))
    expect(errors.map((e) => e.kind)).toEqual(['network', 'timeout', 'malformed', 'malformed', 'rate-limited', 'validation', 'auth'])
    for (const error of errors) {
      expect(String(error)).not.toContain(TOKEN)
      expect(error.message).not.toMatch(/authorization|bearer/i)
    }
  })

  it('truncates long Layer text to about 300 characters, on one line', async () => {
    const detail = `first line\nsecond line ${'x'.repeat(5000)}`
    sim.setFaults([{ kind: 'status', status: 400, body: JSON.stringify({ detail }) }])
    const { client } = harness()
    const error = await failure(client.estimate(WS, image()))
    const quoted = /Layer said: "(.*)"$/.exec(error.message)?.[1] ?? ''
    expect(quoted.length).toBe(300)
    expect(quoted.startsWith('first line second line xxx')).toBe(true)
    expect(quoted.endsWith('…')).toBe(true)
    expect(error.message).not.toContain('\n')
  })
})

describe('LayerClient: configuration', () => {
  // The api-url, the token (empty, or with a control character), the timeout and the retries are parseConfig's to refuse (config.test.ts).
  it('quotes Layer text through the redactor it is given', async () => {
    const other = 'ghs_another_secret_of_the_run_0123'
    sim.setFaults(always({ kind: 'status', status: 400, body: JSON.stringify({ detail: `seen ${other} and ${TOKEN}` }) }))
    const { client } = harness({ redact: (text) => text.split(other).join('[gh]').split(TOKEN).join('[layer]') })
    const error = await failure(client.estimate(WS, image()))
    expect(error.message).toContain('Layer said: "seen [gh] and [layer]"')
  })

  it('redacts its own token when given no redactor', async () => {
    sim.setFaults(always({ kind: 'status', status: 400, body: JSON.stringify({ detail: `seen ${TOKEN}` }) }))
    const { client } = harness()
    const error = await failure(client.estimate(WS, image()))
    expect(error.message).toContain('Layer said: "seen ***"')
  })
})

describe('LayerClient: bodies that cannot be sent', () => {
  it('a cyclic body is a bad-request error, nothing is sent', async () => {
    const body: EstimateRequest = image()
    body.self = body
    const { client } = harness()
    const error = await failure(client.estimate(WS, body))
    expect(error.kind).toBe('bad-request')
    expect(error.message).toContain(`The request body for model ${IMAGE} cannot be sent as JSON`)
    expect(sim.requests).toBe(0)
  })
})

describe('LayerClient: sent() (SPEC 10: GitHub reads start once pricing is on the wire)', () => {
  /** 'pending' when `promise` has not settled within `ms` of real time. */
  const settledWithin = (promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> =>
    Promise.race([promise.then(() => 'settled' as const), new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))])

  it('resolves once the first request is written, before Layer answers it', async () => {
    sim.setLatency(400)
    const { client } = harness()
    expect(await settledWithin(client.sent(), 30)).toBe('pending')
    const answer = client.estimate(WS, image())
    await client.sent()
    expect(await settledWithin(answer, 0)).toBe('pending')
    await expect(answer).resolves.toMatchObject({ estimated_price_creative_units: 1.4 })
  })

  it('is not resolved by other HTTP traffic of the process, to another server or another path', async () => {
    const other = createServer((_req, res) => res.end('{}'))
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    try {
      const { client } = harness()
      await (await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/v1/workspaces/x/inferences/estimate`)).text()
      await (await fetch(`${sim.url}/health`)).text()
      expect(await settledWithin(client.sent(), 30)).toBe('pending')
    } finally {
      await new Promise((resolve) => other.close(resolve))
    }
  })

  it('resolves when the first attempt ends without being written (a refused connection), and on close', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const { client } = harness({ apiUrl: `http://127.0.0.1:${port}`, maxRetries: 0 })
    const error = await failure(client.estimate(WS, image()))
    expect(error.kind).toBe('network')
    expect(await settledWithin(client.sent(), 0)).toBe('settled')

    const unused = harness().client
    clients.pop() // closed here, not by afterEach
    expect(await settledWithin(unused.sent(), 10)).toBe('pending')
    await unused.close()
    expect(await settledWithin(unused.sent(), 0)).toBe('settled')
  })
})
