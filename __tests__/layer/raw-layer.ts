/**
 * A hostile stand-in for Layer on a raw `node:net` server, for what `node:http` will not do: send an
 * unsolicited `HTTP/1.1 200` on a kept-alive connection, or a body written byte for byte. Used by the
 * client's tests and by __tests__/e2e/hostile-layer.test.ts.
 */
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/** One answer: a status and the body exactly as sent. */
export interface RawAnswer {
  status?: number
  text: string
}

/** When the unsolicited answer goes out on a connection that already carried one answer. */
export type StrayTiming =
  /** Right after the first answer, in the same write: the client sees it while its socket is idle. */
  | 'with-first-answer'
  /** When a second request arrives on the connection, before that request's own answer. */
  | 'before-second-answer'
  /**
   * On every connection that carried no request yet (one opened ahead of its request) when an answer
   * is due; that answer then waits until the client has closed each of them. An answer frees a
   * request's slot for the next request, so the stray is read, in order, before that request can
   * take a connection: no race with the machine's load.
   */
  | 'on-idle-connection'

export interface RawLayerOptions {
  /** The answer to estimate request `n` (0-based over the server's life) with JSON body `body`. */
  answer: (body: unknown, n: number) => RawAnswer
  /** An unsolicited answer sent once per connection, after that connection's first answer (or while it is idle). */
  stray?: { text: string; timing: StrayTiming }
  /** Each answer goes out this long after its request arrived (default at once). */
  answerDelayMs?: number
}

export interface RawLayer {
  /** What `api-url` takes. */
  url: string
  /** Estimate requests received. */
  readonly requests: number
  /** Connections accepted. */
  readonly connections: number
  /** Requests that arrived on a connection that had already carried one. */
  readonly reusedRequests: number
  close(): Promise<void>
}

/** An HTTP/1.1 response as bytes; `keepAlive` false adds `connection: close`. */
export function rawResponse({ status = 200, text }: RawAnswer, keepAlive: boolean): string {
  const connection = keepAlive ? 'keep-alive' : 'close'
  return `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: ${connection}\r\n\r\n${text}`
}

/** The four fields of an estimate as Layer's JSON, in Layer's order. */
export function estimateJson(price: number, balance: number, remaining = balance - price, sufficient = remaining >= 0): string {
  return JSON.stringify({
    estimated_price_creative_units: price,
    workspace_balance_creative_units: balance,
    estimated_remaining_balance_creative_units: remaining,
    has_sufficient_creative_units: sufficient,
  })
}

/** Starts the server on 127.0.0.1 (a free port). */
export async function startRawLayer(options: RawLayerOptions): Promise<RawLayer> {
  let requests = 0
  let connections = 0
  let reusedRequests = 0
  const sockets = new Set<Socket>()
  /** Connections that carried no request yet. */
  const idle = new Set<Socket>()
  const server = createServer((socket) => {
    connections++
    sockets.add(socket)
    idle.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      idle.delete(socket)
    })
    socket.on('error', () => socket.destroy())
    let buffer = Buffer.alloc(0)
    let answered = 0
    let strayPending = options.stray !== undefined
    socket.on('data', (chunk: Buffer) => {
      idle.delete(socket)
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buffer.subarray(0, end).toString('latin1')
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
        if (buffer.length < end + 4 + length) return
        const text = buffer.subarray(end + 4, end + 4 + length).toString('utf8')
        buffer = buffer.subarray(end + 4 + length)
        const keepAlive = !/\r\nconnection:\s*close/i.test(head)
        let body: unknown
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        if (answered > 0) reusedRequests++
        let out = ''
        if (strayPending && options.stray?.timing === 'before-second-answer' && answered === 1) {
          out += rawResponse({ text: options.stray.text }, true)
          strayPending = false
        }
        out += rawResponse(options.answer(body, requests++), keepAlive)
        if (strayPending && options.stray?.timing === 'with-first-answer' && answered === 0) {
          out += rawResponse({ text: options.stray.text }, true)
          strayPending = false
        }
        answered++
        const send = (): void => {
          if (socket.destroyed) return
          if (keepAlive) socket.write(out)
          else socket.end(out)
        }
        const due = options.stray?.timing === 'on-idle-connection' ? () => void strayToIdle(options.stray!.text).then(send) : send
        if (options.answerDelayMs) setTimeout(due, options.answerDelayMs)
        else due()
      }
    })
  })
  /** Sends the stray on every idle connection; resolves once the client has closed each. */
  const strayToIdle = async (text: string): Promise<void> => {
    const strayed = [...idle]
    idle.clear()
    await Promise.all(
      strayed.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.destroyed) return resolve()
            socket.once('close', () => resolve())
            socket.write(rawResponse({ text }, true))
          }),
      ),
    )
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api`,
    get requests() {
      return requests
    },
    get connections() {
      return connections
    },
    get reusedRequests() {
      return reusedRequests
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}
