/**
 * A local stand-in for Layer's estimate endpoint (a real `node:http` server) with MADE-UP prices
 * (see prices.ts): it backs the client's tests, the README demo and the benchmark, with no network
 * and no real token. It behaves like the FastAPI service the seed page describes:
 *
 * - `POST {url}/v1/workspaces/{workspace_id}/inferences/estimate`, where `url` ends in `/api`;
 *   other paths answer 404, other methods on that path 405.
 * - Checks in FastAPI's order: the Bearer token (401, or 403 for the "forbidden" token), then the
 *   path and body (422 with pydantic-style `detail` items, validation.ts), then the workspace and
 *   model (404).
 * - Faults (faults.ts) can be planned per request, and a latency given to every answer, to exercise
 *   retries and timeouts and to stand for a distant Layer in the benchmark.
 * - The latency is what the client waits, as far as a server can tell: an answer leaves `latencyMs`
 *   after its request arrived, and the simulator's own work (reading the body, checking and pricing
 *   it) happens inside that time, not on top of it. A request arrives when its headers have been
 *   read (the log's `at`); opening its connection comes before that and is not counted. The wait
 *   ends at that deadline, not `latencyMs` after the body was read, to within a millisecond either
 *   side: a timer asked for `latencyMs` fires 0.75 ms late on average (measured), which over the
 *   benchmark's 32 rounds would bias it against the client, so the wait is asked in whole
 *   milliseconds rounded down, and waited again while a millisecond or more is left (on time on
 *   average, never more than 1 ms early).
 *
 * This file is the routing and the server's life; validation.ts reads and checks requests, and
 * faults.ts says what a fault does to an answer.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { SIMULATOR_HEADER } from '../layer/answer.js'
import { toMicro } from '../money.js'
import { alterAnswer, cannedAnswer, faultFor, type Fault, type FaultPlan } from './faults.js'
import { SIMULATOR_PRICE_NOTE, SIM_MODELS_BY_ID, simulatedPriceMilli } from './prices.js'
import type { TokenBucket } from './rate-limit.js'
import { UUID, normaliseUuid, readBody, uuidError, validateEstimateBody, type DetailItem, type RawBody } from './validation.js'

export { parseFaultSpec, type Fault, type FaultPlan } from './faults.js'
export { SIM_REQUEST_FIELDS, validateEstimateBody, type DetailItem } from './validation.js'
export { createTokenBucket, type TokenBucket, type TokenBucketOptions } from './rate-limit.js'

/** The workspace every simulator knows unless told otherwise (SPEC's example workspace id). */
export const SIM_WORKSPACE_ID = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
/** Its balance in CU (made up, with decimals on purpose). */
export const SIM_DEFAULT_BALANCE = 2500.75
/** The token the simulator accepts by default. */
export const SIM_TOKEN = 'sim-token'
/** A token the simulator knows but refuses with 403 (valid, lacks access). */
export const SIM_FORBIDDEN_TOKEN = 'sim-forbidden-token'

/** How to start a simulator. */
export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** The accepted token (default `SIM_TOKEN`). */
  token?: string
  /** A token answered with 403 (default `SIM_FORBIDDEN_TOKEN`). */
  forbiddenToken?: string
  /** Workspace id -> balance in CU (default `{ [SIM_WORKSPACE_ID]: SIM_DEFAULT_BALANCE }`). */
  workspaces?: Record<string, number>
  /** Time from a request's arrival to its answer, in milliseconds (the simulator's work included; see above). */
  latencyMs?: number
  /**
   * A connection's set-up, in milliseconds: its request is answered as if it arrived no sooner than
   * this long after the connection was accepted, the way the TCP and TLS handshakes with a distant
   * Layer hold it (loopback has none). A connection opened well before its request pays nothing.
   */
  connectionSetupMs?: number
  faults?: FaultPlan
  /** Price unknown model ids like the image model instead of answering 404. */
  acceptAnyModel?: boolean
  /** Answer 422 to unknown body fields (FastAPI's default ignores them). */
  forbidExtraFields?: boolean
  /** Most recent requests kept in `log` (default 1000; 0 keeps none). */
  logLimit?: number
  /** A token bucket in front of the endpoint (rate-limit.ts): 429 with Retry-After when empty, before faults. */
  rateLimit?: TokenBucket
}

/** One estimate request as the simulator saw it. */
export interface SimulatorLogEntry {
  workspaceId: string
  /** The parsed JSON body (`undefined` when it was not JSON). */
  body: unknown
  /** The status answered; 0 when the connection was reset or left hanging. */
  status: number
  fault?: Fault['kind']
  /** When its headers were read (ms since the epoch): the gaps between retries show backoff and Retry-After. */
  at: number
  /** When it was answered (or cut, or left hanging), at the end of the latency: what overlaps Layer's time ends here. */
  answeredAt: number
  headers: { authorization?: string; userAgent?: string; contentType?: string; accept?: string }
}

/** A running simulator. */
export interface Simulator {
  /** Base URL ending in `/api`, what the action's `api-url` input takes. */
  readonly url: string
  readonly token: string
  readonly forbiddenToken: string
  /** Estimate requests received (path and method matched), faults included. */
  readonly requests: number
  /** Most recent estimate requests, oldest first (capped by `logLimit`). */
  readonly log: readonly SimulatorLogEntry[]
  /** Estimate requests being handled right now. */
  readonly inFlight: number
  /** The most estimate requests ever handled at once. */
  readonly maxInFlight: number
  /** Replaces the fault plan; its `n` counts from 0 again. `undefined` removes it. */
  setFaults(plan: FaultPlan | undefined): void
  setLatency(ms: number): void
  /** Sets (or adds) a workspace's balance in CU. */
  setBalance(workspaceId: string, balance: number): void
  /** Zeroes `requests`, `maxInFlight` and the log. */
  resetStats(): void
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>
}

const ROUTE = /^\/api\/v1\/workspaces\/([^/]+)\/inferences\/estimate$/

/** Starts a simulator on 127.0.0.1 (a free port unless told) and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? SIM_TOKEN
  const forbiddenToken = options.forbiddenToken ?? SIM_FORBIDDEN_TOKEN
  const balances = new Map<string, number>()
  for (const [id, balance] of Object.entries(options.workspaces ?? { [SIM_WORKSPACE_ID]: SIM_DEFAULT_BALANCE })) {
    balances.set(id.toLowerCase(), balance)
  }
  const logLimit = options.logLimit ?? 1000
  let latencyMs = options.latencyMs ?? 0
  let faults = options.faults
  let faultIndex = 0
  let requests = 0
  let inFlight = 0
  let maxInFlight = 0
  let log: SimulatorLogEntry[] = []
  let closed = false
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()

  const record = (entry: Omit<SimulatorLogEntry, 'answeredAt'>): void => {
    if (logLimit <= 0) return
    log.push({ ...entry, answeredAt: Date.now() })
    // Trim in batches so a 10,000-request benchmark does not shift the array on every request.
    if (log.length > logLimit * 2) log = log.slice(-logLimit)
  }

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })
  /** When each connection was accepted (performance.now()), for `connectionSetupMs`. */
  const acceptedAt = new WeakMap<object, number>()
  /** Waits until `deadline` (performance.now()) to within the timer's millisecond (see the top of this file). */
  const waitUntil = async (deadline: number): Promise<void> => {
    for (let left = deadline - performance.now(); left >= 1 && !closed; left = deadline - performance.now()) await wait(Math.floor(left))
  }

  const handleEstimate = async (req: IncomingMessage, res: ServerResponse, rawWorkspaceId: string): Promise<void> => {
    const n = faultIndex++
    const at = Date.now()
    // The latency's deadline counts from here (its headers are read), on a clock finer than `at`'s,
    // or from the end of its connection's set-up.
    const deadline = Math.max(performance.now(), (acceptedAt.get(req.socket) ?? 0) + (options.connectionSetupMs ?? 0)) + latencyMs
    requests++
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    res.once('close', () => inFlight--)

    const headers = {
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
    }
    let workspaceId = rawWorkspaceId
    try {
      workspaceId = decodeURIComponent(rawWorkspaceId)
    } catch {
      // A broken %-escape stays as sent; validation below reports it as not a UUID.
    }
    const raw = await readBody(req)
    const body = raw.ok ? raw.json : undefined
    // Worked out before the wait, so that the latency includes it (the fault plan and the rate limit are asked after).
    const answer = estimateAnswer(req.headers.authorization, workspaceId, raw)
    if (latencyMs > 0 || options.connectionSetupMs) await waitUntil(deadline)
    if (closed || res.destroyed) return

    const bucket = options.rateLimit
    if (bucket && !bucket.take(Date.now())) {
      record({ workspaceId, body, status: 429, headers, at })
      send(res, 429, JSON.stringify({ detail: 'Too Many Requests' }), {
        ...bucket.headers(true, Date.now()),
        'content-type': 'application/json',
      })
      return
    }
    const rateHeaders = bucket?.headers(false, Date.now()) ?? {}
    const fault = faultFor(faults, n, body)
    const entry = (status: number): Omit<SimulatorLogEntry, 'answeredAt'> => ({
      workspaceId,
      body,
      status,
      fault: fault?.kind,
      headers,
      at,
    })
    if (fault?.kind === 'reset') {
      record(entry(0))
      // resetAndDestroy sends a TCP RST (ECONNRESET on the client), like a proxy dropping the line.
      req.socket.resetAndDestroy()
      return
    }
    if (fault?.kind === 'hang') {
      record(entry(0))
      return
    }
    const canned = fault && cannedAnswer(fault)
    if (canned) {
      record(entry(canned.status))
      send(res, canned.status, canned.text, canned.headers)
      return
    }

    const text = answer.status === 200 && fault ? alterAnswer(fault, answer.payload) : JSON.stringify(answer.payload)
    record(entry(answer.status))
    const extra: Record<string, string> = answer.status === 401 ? { 'www-authenticate': 'Bearer' } : {}
    send(res, answer.status, text, { ...rateHeaders, ...extra, 'content-type': 'application/json' })
  }

  /** The answer Layer would give a well-behaved connection. */
  const estimateAnswer = (
    authorization: string | undefined,
    workspaceId: string,
    raw: RawBody,
  ): { status: number; payload: Record<string, unknown> } => {
    const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim()
    if (presented === forbiddenToken) return { status: 403, payload: { detail: 'Not enough permissions to access this workspace' } }
    if (presented !== token) return { status: 401, payload: { detail: 'Not authenticated' } }
    if (raw.tooLarge) return { status: 413, payload: { detail: 'Request body too large' } }

    const errors: DetailItem[] = []
    if (!UUID.test(workspaceId)) errors.push(uuidError(['path', 'workspace_id'], workspaceId))
    const validated = raw.ok
      ? validateEstimateBody(raw.json, { forbidExtraFields: options.forbidExtraFields ?? false })
      : { errors: [raw.error], body: undefined }
    errors.push(...validated.errors)
    if (errors.length > 0 || validated.body === undefined) return { status: 422, payload: { detail: errors } }

    const balance = balances.get(normaliseUuid(workspaceId))
    if (balance === undefined) return { status: 404, payload: { detail: 'Workspace not found' } }
    const modelId = normaliseUuid(String(validated.body.model_id))
    const kind = SIM_MODELS_BY_ID.get(modelId)?.kind ?? (options.acceptAnyModel ? 'image' : undefined)
    if (kind === undefined) return { status: 404, payload: { detail: 'Model not found' } }

    const price = simulatedPriceMilli(kind, validated.body)
    const balanceMilli = Math.round(toMicro(balance, 'nearest') / 1000)
    return {
      status: 200,
      payload: {
        estimated_price_creative_units: price / 1000,
        workspace_balance_creative_units: balanceMilli / 1000,
        estimated_remaining_balance_creative_units: (balanceMilli - price) / 1000,
        has_sufficient_creative_units: balanceMilli >= price,
      },
    }
  }

  const server = createServer((req, res) => {
    // Every answer says it is the simulator's, so the client labels its prices as made up.
    res.setHeader(SIMULATOR_HEADER, SIMULATOR_PRICE_NOTE)
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const match = ROUTE.exec(path)
    if (!match?.[1]) {
      req.resume()
      send(res, 404, JSON.stringify({ detail: 'Not Found' }), { 'content-type': 'application/json' })
      return
    }
    if (req.method !== 'POST') {
      req.resume()
      send(res, 405, JSON.stringify({ detail: 'Method Not Allowed' }), { 'content-type': 'application/json', allow: 'POST' })
      return
    }
    handleEstimate(req, res, match[1]).catch(() => {
      // Only a broken socket gets here (e.g. the client vanished mid-body); nothing left to answer.
      if (!res.headersSent) res.destroy()
    })
  })
  server.on('connection', (socket) => {
    if (options.connectionSetupMs) acceptedAt.set(socket, performance.now())
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  // A client's reset must not crash the test run through an unhandled 'clientError'.
  server.on('clientError', (_error, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${shownHost}:${address.port}/api`

  return {
    url,
    token,
    forbiddenToken,
    get requests() {
      return requests
    },
    get log() {
      return log.length > logLimit ? log.slice(-logLimit) : log
    },
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    setFaults(plan) {
      faults = plan
      faultIndex = 0
    },
    setLatency(ms) {
      latencyMs = ms
    },
    setBalance(workspaceId, balance) {
      balances.set(workspaceId.toLowerCase(), balance)
    },
    resetStats() {
      requests = 0
      maxInFlight = inFlight
      log = []
    },
    async close() {
      if (closed) return
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      // Hanging requests would keep server.close() waiting forever: cut every connection.
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
      await stopped
    },
  }
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
