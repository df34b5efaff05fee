/**
 * The simulator over real HTTP (undici's `request`, not the Layer client), so its behaviour is pinned
 * independently of the client it backs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { request as httpRequest } from 'node:http'
import { Agent, request } from 'undici'
import { SIM_MODELS, simulatedPrice } from '../../src/simulator/prices.js'
import { SIM_DEFAULT_BALANCE, SIM_FORBIDDEN_TOKEN, SIM_TOKEN, SIM_WORKSPACE_ID, startSimulator } from '../../src/simulator/server.js'
import type { Fault, Simulator } from '../../src/simulator/server.js'

const WS = SIM_WORKSPACE_ID
const IMAGE = SIM_MODELS.image.id

// A dedicated agent so keep-alive sockets do not outlive the suite in undici's global one.
const agent = new Agent({ keepAliveTimeout: 1000 })
let sim: Simulator

beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(async () => {
  await sim.close()
  await agent.close()
})
beforeEach(() => {
  sim.setFaults(undefined)
  sim.setLatency(0)
  sim.setBalance(WS, SIM_DEFAULT_BALANCE)
  sim.resetStats()
})

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: unknown
}

async function call(
  target: Simulator,
  options: {
    path?: string
    method?: 'GET' | 'POST' | 'PUT'
    body?: unknown
    raw?: string
    token?: string | null
    authorization?: string
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'simulator-test/1' }
  const token = options.token === undefined ? target.token : options.token
  if (options.authorization !== undefined) headers.authorization = options.authorization
  else if (token !== null) headers.authorization = `Bearer ${token}`
  const method = options.method ?? 'POST'
  const res = await request(`${target.url}${options.path ?? `/v1/workspaces/${WS}/inferences/estimate`}`, {
    method,
    headers,
    body: method === 'GET' ? undefined : (options.raw ?? JSON.stringify(options.body ?? { model_id: IMAGE })),
    dispatcher: agent,
  })
  const text = await res.body.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.statusCode, headers: res.headers, text, json }
}

describe('routing', () => {
  it('answers an estimate with made-up prices, labelled as such', async () => {
    const answer = await call(sim)
    expect(answer.status).toBe(200)
    expect(answer.headers['x-layer-simulator']).toBe('made-up prices')
    expect(answer.headers['content-type']).toBe('application/json')
    expect(answer.json).toEqual({
      estimated_price_creative_units: 1.4,
      workspace_balance_creative_units: 2500.75,
      estimated_remaining_balance_creative_units: 2499.35,
      has_sufficient_creative_units: true,
    })
  })

  it('exposes a base URL ending in /api on 127.0.0.1', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/)
  })

  it.each([
    '/v1/workspaces',
    `/v1/workspaces/${WS}/inferences`,
    `/v1/workspaces/${WS}/inferences/estimate/extra`,
    `/../v1/workspaces/${WS}/inferences/estimate`,
  ])('404 for another path (%s)', async (path) => {
    const answer = await call(sim, { path })
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual({ detail: 'Not Found' })
    expect(answer.headers['x-layer-simulator']).toBe('made-up prices')
    expect(sim.requests).toBe(0)
  })

  it('405 for another method on the estimate path', async () => {
    for (const method of ['GET', 'PUT'] as const) {
      const answer = await call(sim, { method })
      expect(answer.status).toBe(405)
      expect(answer.headers.allow).toBe('POST')
      expect(answer.json).toEqual({ detail: 'Method Not Allowed' })
    }
    expect(sim.requests).toBe(0)
  })

  it('ignores a query string', async () => {
    const answer = await call(sim, { path: `/v1/workspaces/${WS}/inferences/estimate?debug=1` })
    expect(answer.status).toBe(200)
  })
})

describe('auth', () => {
  it.each<[string, { token?: string | null; authorization?: string }]>([
    ['no header', { token: null }],
    ['a wrong token', { token: 'nope' }],
    ['another scheme', { authorization: `Basic ${SIM_TOKEN}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('401 for %s', async (_name, auth) => {
    const answer = await call(sim, auth)
    expect(answer.status).toBe(401)
    expect(answer.json).toEqual({ detail: 'Not authenticated' })
    expect(answer.headers['www-authenticate']).toBe('Bearer')
  })

  it('accepts the scheme in any case', async () => {
    expect((await call(sim, { authorization: `bearer ${SIM_TOKEN}` })).status).toBe(200)
  })

  it('403 for the valid-but-forbidden token', async () => {
    const answer = await call(sim, { token: SIM_FORBIDDEN_TOKEN })
    expect(answer.status).toBe(403)
    expect(answer.json).toEqual({ detail: 'Not enough permissions to access this workspace' })
  })

  it('checks the token before the body, like a FastAPI security dependency', async () => {
    const answer = await call(sim, { token: 'nope', body: { batch_size: 99 } })
    expect(answer.status).toBe(401)
  })

  it('uses the configured tokens', async () => {
    const custom = await startSimulator({ token: 'alpha', forbiddenToken: 'beta' })
    try {
      expect((await call(custom, { token: 'alpha' })).status).toBe(200)
      expect((await call(custom, { token: 'beta' })).status).toBe(403)
      expect((await call(custom, { token: SIM_TOKEN })).status).toBe(401)
    } finally {
      await custom.close()
    }
  })
})

describe('workspaces and models', () => {
  it('404 for an unknown workspace (checked before the model)', async () => {
    const answer = await call(sim, {
      path: '/v1/workspaces/11111111-2222-4333-8444-555555555555/inferences/estimate',
      body: { model_id: '00000000-0000-4000-8000-000000000000' },
    })
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual({ detail: 'Workspace not found' })
  })

  it('404 for an unknown model', async () => {
    const answer = await call(sim, { body: { model_id: '00000000-0000-4000-8000-000000000000' } })
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual({ detail: 'Model not found' })
  })

  it('matches UUIDs in any case and spelling pydantic accepts', async () => {
    const upper = await call(sim, {
      path: `/v1/workspaces/${WS.toUpperCase()}/inferences/estimate`,
      body: { model_id: IMAGE.toUpperCase() },
    })
    expect(upper.status).toBe(200)
    const compact = await call(sim, { body: { model_id: IMAGE.replace(/-/g, '') } })
    expect(compact.status).toBe(200)
  })

  it('acceptAnyModel prices unknown models like the image model', async () => {
    const lenient = await startSimulator({ acceptAnyModel: true })
    try {
      const answer = await call(lenient, { body: { model_id: '00000000-0000-4000-8000-000000000000', batch_size: 1 } })
      expect(answer.status).toBe(200)
      expect(answer.json).toMatchObject({ estimated_price_creative_units: 0.35 })
    } finally {
      await lenient.close()
    }
  })

  it('keeps a balance per workspace and computes the rest from it', async () => {
    const other = '22222222-3333-4444-8555-666666666666'
    const multi = await startSimulator({ workspaces: { [WS]: 10, [other]: 1.4 } })
    try {
      expect((await call(multi)).json).toEqual({
        estimated_price_creative_units: 1.4,
        workspace_balance_creative_units: 10,
        estimated_remaining_balance_creative_units: 8.6,
        has_sufficient_creative_units: true,
      })
      // Exactly enough is sufficient, with nothing left.
      expect((await call(multi, { path: `/v1/workspaces/${other}/inferences/estimate` })).json).toEqual({
        estimated_price_creative_units: 1.4,
        workspace_balance_creative_units: 1.4,
        estimated_remaining_balance_creative_units: 0,
        has_sufficient_creative_units: true,
      })
      multi.setBalance(other, 1.399)
      expect((await call(multi, { path: `/v1/workspaces/${other}/inferences/estimate` })).json).toEqual({
        estimated_price_creative_units: 1.4,
        workspace_balance_creative_units: 1.399,
        estimated_remaining_balance_creative_units: -0.001,
        has_sufficient_creative_units: false,
      })
    } finally {
      await multi.close()
    }
  })
})

describe('prices', () => {
  const bodies: Record<string, unknown>[] = [
    { model_id: SIM_MODELS.image.id, width: 1536, height: 640, quality: 'high', batch_size: 3 },
    { model_id: SIM_MODELS.video.id, duration_seconds: 3.3, fps: 30, generate_audio: true },
    { model_id: SIM_MODELS.threeD.id, include_textures: true, pbr_materials: true },
    { model_id: SIM_MODELS.audio.id, prompt: 'x'.repeat(2500), use_speaker_boost: true },
    { model_id: SIM_MODELS.upscale.id, upscale_ratio: 3, vectorize: true },
  ]

  it.each(bodies)('answers the exported price function for %j', async (body) => {
    const answer = await call(sim, { body })
    expect(answer.status).toBe(200)
    expect((answer.json as Record<string, unknown>).estimated_price_creative_units).toBe(simulatedPrice(body))
  })

  it('is deterministic and ignores key order', async () => {
    const a = await call(sim, { raw: '{"model_id":"' + IMAGE + '","width":800,"height":600,"quality":"low"}' })
    const b = await call(sim, { raw: '{"quality":"low","height":600,"width":800,"model_id":"' + IMAGE + '"}' })
    expect(a.json).toEqual(b.json)
    // 800×600 is 0.458 megapixels: 350 × 0.458 × 0.5 rounds to 80 milli-CU per image, × 4.
    expect(a.json).toMatchObject({ estimated_price_creative_units: 0.32 })
  })

  it('prices lax values as their numbers ("4" is 4)', async () => {
    const answer = await call(sim, { body: { model_id: IMAGE, batch_size: '2', generate_audio: 'yes' } })
    expect(answer.json).toMatchObject({ estimated_price_creative_units: 0.7 })
  })
})

describe('validation (422, pydantic style)', () => {
  it('reports a range error exactly like FastAPI', async () => {
    const answer = await call(sim, { body: { model_id: IMAGE, batch_size: 17 } })
    expect(answer.status).toBe(422)
    expect(answer.json).toEqual({
      detail: [
        {
          type: 'less_than_equal',
          loc: ['body', 'batch_size'],
          msg: 'Input should be less than or equal to 16',
          input: 17,
          ctx: { le: 16 },
        },
      ],
    })
  })

  it('reports every error at once, path first, then body fields in the seed order', async () => {
    const answer = await call(sim, {
      path: '/v1/workspaces/not-a-uuid/inferences/estimate',
      body: { quality: 'ultra', width: 0, prompt_strength: -0.5, batch_size: null, video_effects: [1, {}], prompt: 7 },
    })
    expect(answer.status).toBe(422)
    const detail = (answer.json as { detail: { type: string; loc: unknown[]; msg: string }[] }).detail
    expect(detail.map(({ type, loc, msg }) => ({ type, loc, msg }))).toEqual([
      { type: 'uuid_parsing', loc: ['path', 'workspace_id'], msg: 'Input should be a valid UUID, unable to parse string as a UUID' },
      { type: 'missing', loc: ['body', 'model_id'], msg: 'Field required' },
      { type: 'string_type', loc: ['body', 'prompt'], msg: 'Input should be a valid string' },
      { type: 'greater_than', loc: ['body', 'width'], msg: 'Input should be greater than 0' },
      { type: 'int_type', loc: ['body', 'batch_size'], msg: 'Input should be a valid integer' },
      { type: 'greater_than_equal', loc: ['body', 'prompt_strength'], msg: 'Input should be greater than or equal to 0' },
      { type: 'enum', loc: ['body', 'quality'], msg: "Input should be 'low', 'medium' or 'high'" },
      { type: 'model_type', loc: ['body', 'video_effects', 0], msg: 'Input should be a valid dictionary or object to extract fields from' },
    ])
  })

  it('rejects bad JSON and non-object bodies', async () => {
    const bad = await call(sim, { raw: '{"model_id": ' })
    expect(bad.status).toBe(422)
    expect((bad.json as { detail: { type: string; loc: unknown[] }[] }).detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 0] })
    const list = await call(sim, { raw: '[1]' })
    expect((list.json as { detail: unknown[] }).detail).toEqual([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: [1],
      },
    ])
    const empty = await call(sim, { raw: '' })
    expect((empty.json as { detail: unknown[] }).detail).toEqual([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }])
  })

  it('ignores unknown fields by default, rejects them with forbidExtraFields', async () => {
    expect((await call(sim, { body: { model_id: IMAGE, widht: 10 } })).status).toBe(200)
    const strict = await startSimulator({ forbidExtraFields: true })
    try {
      const answer = await call(strict, { body: { model_id: IMAGE, widht: 10 } })
      expect(answer.status).toBe(422)
      expect(answer.json).toEqual({
        detail: [{ type: 'extra_forbidden', loc: ['body', 'widht'], msg: 'Extra inputs are not permitted', input: 10 }],
      })
    } finally {
      await strict.close()
    }
  })

  it('refuses a body over 1 MiB with 413', async () => {
    const answer = await call(sim, { body: { model_id: IMAGE, prompt: 'x'.repeat(1024 * 1024) } })
    expect(answer.status).toBe(413)
  })
})

describe('latency, concurrency and the log', () => {
  it('connectionSetupMs holds the request of a new connection, not one of a connection opened long enough before', async () => {
    const far = await startSimulator({ connectionSetupMs: 300 })
    // Sends one request `delayMs` after its connection is up; resolves with the times from the
    // connection and from the request to the end of the answer.
    const timed = (delayMs: number): Promise<{ fromConnect: number; fromRequest: number }> =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify({ model_id: IMAGE })
        const req = httpRequest(`${far.url}/v1/workspaces/${WS}/inferences/estimate`, {
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${SIM_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        })
        let connectedAt = 0
        let sentAt = 0
        req.once('socket', (socket) =>
          socket.once('connect', () => {
            connectedAt = performance.now()
            setTimeout(() => {
              sentAt = performance.now()
              req.end(body)
            }, delayMs)
          }),
        )
        req.once('response', (res) => {
          res.resume()
          res.once('end', () => resolve({ fromConnect: performance.now() - connectedAt, fromRequest: performance.now() - sentAt }))
        })
        req.once('error', reject)
      })
    try {
      // Held until 300 ms after the server accepted the connection (the client's 'connect' and the
      // server's accept are a few ms apart at most, in either order; a busy timer may send it late).
      expect((await timed(0)).fromConnect).toBeGreaterThanOrEqual(280)
      // Sent 400 ms after its connection: not held again (held from the request, it would take 300 ms).
      const late = await timed(400)
      expect(late.fromRequest).toBeLessThan(250)
    } finally {
      await far.close()
    }
  })

  it('waits latencyMs before answering', async () => {
    sim.setLatency(60)
    const started = Date.now()
    await call(sim)
    expect(Date.now() - started).toBeGreaterThanOrEqual(55)
  })

  it('counts the latency from when the headers arrived: a slow body is inside it, not on top', async () => {
    sim.setLatency(300)
    const target = new URL(`${sim.url}/v1/workspaces/${WS}/inferences/estimate`)
    const body = JSON.stringify({ model_id: IMAGE })
    const started = Date.now()
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        target,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${SIM_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume()
          res.once('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.once('error', reject)
      // The headers now, the body 200 ms later: answered 300 ms after the headers, not 300 ms after the body.
      req.flushHeaders()
      setTimeout(() => req.end(body), 200)
    })
    const elapsed = Date.now() - started
    expect(status).toBe(200)
    expect(elapsed).toBeGreaterThanOrEqual(295)
    expect(elapsed).toBeLessThan(450)
    const [entry] = sim.log
    // Never more than 1 ms early, and `at` and `answeredAt` are whole milliseconds.
    expect(entry!.answeredAt - entry!.at).toBeGreaterThanOrEqual(298)
  })

  it('records the highest number of requests in flight', async () => {
    // Long enough that all five arrive before the first answers, even on a loaded machine.
    sim.setLatency(400)
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(sim)))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
    expect(sim.maxInFlight).toBe(5)
    expect(sim.inFlight).toBe(0)
    expect(sim.requests).toBe(5)
  })

  it('logs workspace, body, status, headers, arrival and answer time', async () => {
    const before = Date.now()
    await call(sim, { body: { model_id: IMAGE, width: 64 } })
    await call(sim, { token: 'nope' })
    expect(sim.log).toEqual([
      {
        workspaceId: WS,
        body: { model_id: IMAGE, width: 64 },
        status: 200,
        fault: undefined,
        headers: {
          authorization: `Bearer ${SIM_TOKEN}`,
          userAgent: 'simulator-test/1',
          contentType: 'application/json',
          accept: undefined,
        },
        at: expect.any(Number),
        answeredAt: expect.any(Number),
      },
      expect.objectContaining({ status: 401, headers: expect.objectContaining({ authorization: 'Bearer nope' }) }),
    ])
    const [first, second] = sim.log
    expect(first!.at).toBeGreaterThanOrEqual(before)
    expect(second!.at).toBeGreaterThanOrEqual(first!.at)
    expect(second!.at).toBeLessThanOrEqual(Date.now())
    expect(first!.answeredAt).toBeGreaterThanOrEqual(first!.at)
    expect(second!.answeredAt).toBeLessThanOrEqual(Date.now())
  })

  it('logs the answer after the latency', async () => {
    sim.setLatency(120)
    try {
      await call(sim)
      const [entry] = sim.log
      expect(entry!.answeredAt - entry!.at).toBeGreaterThanOrEqual(115)
    } finally {
      sim.setLatency(0)
    }
  })

  it('caps the log at logLimit, keeping the latest', async () => {
    const capped = await startSimulator({ logLimit: 3 })
    const none = await startSimulator({ logLimit: 0 })
    try {
      for (let batch = 1; batch <= 8; batch++) {
        await call(capped, { body: { model_id: IMAGE, batch_size: batch } })
        await call(none)
      }
      expect(capped.requests).toBe(8)
      expect(capped.log.map((e) => (e.body as { batch_size: number }).batch_size)).toEqual([6, 7, 8])
      expect(none.requests).toBe(8)
      expect(none.log).toEqual([])
    } finally {
      await Promise.all([capped.close(), none.close()])
    }
  })
})

describe('faults', () => {
  it('array plan: by request number, counted from setFaults', async () => {
    await call(sim)
    sim.setFaults([undefined, { kind: 'status', status: 503, retryAfter: '3' }])
    expect((await call(sim)).status).toBe(200)
    const second = await call(sim)
    expect(second.status).toBe(503)
    expect(second.headers['retry-after']).toBe('3')
    expect(second.json).toEqual({ detail: 'Service Unavailable' })
    expect((await call(sim)).status).toBe(200)
    expect(sim.log.map((e) => e.fault)).toEqual([undefined, undefined, 'status', undefined])
  })

  it('record plan and custom bodies', async () => {
    sim.setFaults({ 0: { kind: 'status', status: 500, body: 'upstream exploded' } })
    const answer = await call(sim)
    expect(answer.status).toBe(500)
    expect(answer.text).toBe('upstream exploded')
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8')
  })

  it('function plan sees the request number and the body', async () => {
    const seen: [number, unknown][] = []
    sim.setFaults((n, body) => {
      seen.push([n, body])
      return (body as { batch_size?: number }).batch_size === 2 ? { kind: 'status', status: 429 } : undefined
    })
    expect((await call(sim, { body: { model_id: IMAGE, batch_size: 1 } })).status).toBe(200)
    expect((await call(sim, { body: { model_id: IMAGE, batch_size: 2 } })).status).toBe(429)
    expect(seen).toEqual([
      [0, { model_id: IMAGE, batch_size: 1 }],
      [1, { model_id: IMAGE, batch_size: 2 }],
    ])
  })

  it('faults come before auth, like a proxy in front of Layer', async () => {
    sim.setFaults([{ kind: 'status', status: 502 }])
    expect((await call(sim, { token: 'nope' })).status).toBe(502)
  })

  it('wrong-value answers a well-typed but wrong figure (a negative price by default field)', async () => {
    sim.setFaults([
      { kind: 'wrong-value', value: -5 },
      { kind: 'wrong-value', field: 'workspace_balance_creative_units', value: 1e300 },
    ])
    const negative = await call(sim)
    expect(negative.status).toBe(200)
    expect(negative.json).toMatchObject({ estimated_price_creative_units: -5, workspace_balance_creative_units: 2500.75 })
    const huge = await call(sim)
    expect(huge.json).toMatchObject({ estimated_price_creative_units: 1.4, workspace_balance_creative_units: 1e300 })
    expect(sim.log.map((e) => e.fault)).toEqual(['wrong-value', 'wrong-value'])
  })

  it('malformed, missing-field and wrong-type corrupt a 200', async () => {
    sim.setFaults([{ kind: 'malformed' }, { kind: 'missing-field' }, { kind: 'wrong-type', field: 'has_sufficient_creative_units' }])
    const malformed = await call(sim)
    expect(malformed.status).toBe(200)
    expect(malformed.json).toBeUndefined()
    const missing = await call(sim)
    expect(missing.json).toEqual({
      workspace_balance_creative_units: 2500.75,
      estimated_remaining_balance_creative_units: 2499.35,
      has_sufficient_creative_units: true,
    })
    const wrong = await call(sim)
    expect(wrong.json).toMatchObject({ estimated_price_creative_units: 1.4, has_sufficient_creative_units: 'true' })
  })

  it('missing-field leaves an error answer alone', async () => {
    sim.setFaults([{ kind: 'missing-field' }])
    const answer = await call(sim, { token: 'nope' })
    expect(answer.status).toBe(401)
    expect(answer.json).toEqual({ detail: 'Not authenticated' })
  })

  it('reset drops the connection without an answer', async () => {
    sim.setFaults([{ kind: 'reset' }])
    await expect(call(sim)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) })
    expect(sim.log[0]).toMatchObject({ status: 0, fault: 'reset' })
    expect((await call(sim)).status).toBe(200)
  })

  it('close() ends a hanging request promptly', async () => {
    const hanging = await startSimulator({ faults: () => ({ kind: 'hang' }) satisfies Fault })
    const pending = call(hanging)
    const outcome = pending.then(
      () => 'answered',
      () => 'dropped',
    )
    while (hanging.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const started = Date.now()
    await hanging.close()
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(await outcome).toBe('dropped')
    expect(hanging.maxInFlight).toBe(1)
    await hanging.close() // idempotent
  })

  it('close() also ends a request waiting out its latency', async () => {
    const slow = await startSimulator({ latencyMs: 60_000 })
    const outcome = call(slow).then(
      () => 'answered',
      () => 'dropped',
    )
    while (slow.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    await slow.close()
    expect(await outcome).toBe('dropped')
  })
})

describe('lifecycle', () => {
  it('listens on the requested port and refuses a port in use', async () => {
    const first = await startSimulator()
    const port = Number(new URL(first.url).port)
    try {
      await expect(startSimulator({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
    } finally {
      await first.close()
    }
  })
})
