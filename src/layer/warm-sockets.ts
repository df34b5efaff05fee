/**
 * Connections to Layer opened ahead of the requests that will use them (issue 13, scenario F).
 *
 * The client sends one request per connection (SECURITY.md: a stray answer can then never price
 * another request), so every request pays a connection set-up, and at a fixed concurrency that
 * set-up sits between an answer and the request that takes its place. This connector for undici
 * opens the next connection while the current ones wait for Layer, and hands it over when undici
 * asks for one; a request still gets a connection no other request used.
 *
 * - Only as many connections are opened ahead as the run still announces requests for
 *   (`expect`, less those undici already asked a connection for), and never more than `ahead`
 *   at once: a run that ends leaves none behind. A request that finds none ready but one being
 *   opened waits for that one (it started earlier than a new one would).
 * - A connection that received anything while it waited (bytes sent before any request, which
 *   undici could take for the answer of the request it then writes), or that Layer closed or
 *   reset meanwhile, is destroyed and never handed over.
 * - A failure to open one ahead is dropped: a request that waited for it connects itself and
 *   reports its own failure.
 * Measured with `BENCH_TRACE=1 npm run bench -- --scenario=f` (250 requests at 150 ms, concurrency
 * 8, on loopback): the time from an answer to the request that takes its place fell from a median
 * 6.9 to 5.6 ms (12 runs each, alternated). Against the real Layer the set-up taken off the path is
 * a TCP and a TLS handshake, a few round trips, where loopback has none: F's second row, whose
 * simulator takes 20 ms to set up each connection (`connectionSetupMs`), measured 1.17 × the bound
 * with each connection set up on its request's path and 1.04 × with this.
 */
import type { Socket } from 'node:net'
import { buildConnector } from 'undici'

export interface WarmSockets {
  /** undici's `connect` option: a connection opened ahead when a clean one is ready, else a new one. */
  connect: buildConnector.connector
  /** The run will send `requests` more requests (each needs a connection). */
  expect(requests: number): void
  /** Connections opened ahead and not handed over yet (for tests). */
  readonly ready: number
  /** Destroys the connections still waiting; opens no more. */
  close(): void
}

interface Waiting {
  socket: Socket
  /** Removes the listeners that watch it while it waits. */
  stop: () => void
}

/** A request for a connection that waits for one being opened ahead (sooner than a new one). */
interface Claim {
  options: buildConnector.Options
  callback: buildConnector.Callback
}

/**
 * A connector opening up to `ahead` connections ahead of undici's requests for them. Only for the
 * origin undici asks for first (the client's one Agent talks to Layer alone); any other origin
 * is connected as asked, nothing opened ahead for it.
 */
export function warmSockets(options: { ahead: number; connector?: buildConnector.connector }): WarmSockets {
  const base = options.connector ?? buildConnector({})
  const waiting: Waiting[] = []
  const claims: Claim[] = []
  /** Connections being opened ahead; those beyond `claims.length` are nobody's yet. */
  let opening = 0
  let origin: string | undefined
  let planned = 0
  let asked = 0
  let closed = false

  const openAhead = (o: buildConnector.Options): void => {
    opening++
    base(o, (error, socket) => {
      opening--
      const claim = claims.shift()
      if (error || !socket) {
        // The request that waited for it connects itself, and reports its own failure.
        if (claim) base(claim.options, claim.callback)
        return
      }
      // Just connected: as fresh as one the request would have opened itself.
      if (claim) return claim.callback(null, socket)
      if (closed) return void socket.destroy()
      keep(socket)
    })
  }

  const keep = (socket: Socket): void => {
    const spoil = (): void => {
      entry.stop()
      socket.destroy()
      const at = waiting.indexOf(entry)
      if (at >= 0) waiting.splice(at, 1)
    }
    // A 'readable' listener keeps the socket in paused mode, the mode undici reads it in once handed over.
    const ignore = (): void => {}
    const entry: Waiting = {
      socket,
      stop: () => {
        socket.off('readable', spoil)
        socket.off('end', spoil)
        socket.off('close', spoil)
        socket.off('error', ignore)
      },
    }
    socket.on('readable', spoil)
    socket.on('end', spoil)
    socket.on('close', spoil)
    socket.on('error', ignore)
    waiting.push(entry)
  }

  /** A waiting connection still clean (a spoiled one has left `waiting` already; this checks again). */
  const take = (): Socket | undefined => {
    for (let entry = waiting.shift(); entry !== undefined; entry = waiting.shift()) {
      entry.stop()
      const { socket } = entry
      if (!socket.destroyed && socket.readableLength === 0 && socket.readable && socket.writable) return socket
      socket.destroy()
    }
    return undefined
  }

  return {
    connect(o, callback) {
      const key = `${o.protocol}//${o.hostname}:${o.port}/${o.servername ?? ''}`
      origin ??= key
      if (key !== origin) return base(o, callback)
      asked++
      const socket = closed ? undefined : take()
      if (socket) callback(null, socket)
      else if (!closed && opening > claims.length) claims.push({ options: o, callback })
      else base(o, callback)
      // Then keep `ahead` ready for the requests the run still announces beyond those that asked.
      if (closed) return
      for (let n = Math.min(options.ahead, planned - asked) - waiting.length - (opening - claims.length); n > 0; n--) openAhead(o)
    },
    expect(requests) {
      planned += requests
    },
    get ready() {
      return waiting.length
    },
    close() {
      closed = true
      for (const entry of waiting.splice(0)) {
        entry.stop()
        entry.socket.destroy()
      }
    },
  }
}
