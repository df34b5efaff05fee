/** Connections opened ahead (src/layer/warm-sockets.ts), against a real `node:net` server on 127.0.0.1. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { warmSockets, type WarmSockets } from '../../src/layer/warm-sockets.js'

interface Listener {
  server: Server
  port: number
  /** The server's side of each connection accepted, in order. */
  accepted: Socket[]
}

let listener: Listener | undefined
let warm: WarmSockets | undefined
const handed: Socket[] = []

afterEach(async () => {
  warm?.close()
  warm = undefined
  for (const socket of handed.splice(0)) socket.destroy()
  if (listener) {
    for (const socket of listener.accepted) socket.destroy()
    await new Promise<void>((resolve) => listener!.server.close(() => resolve()))
    listener = undefined
  }
})

async function listen(onConnection: (socket: Socket, n: number) => void = () => {}): Promise<Listener> {
  const accepted: Socket[] = []
  const server = createServer((socket) => {
    accepted.push(socket)
    socket.on('error', () => {})
    onConnection(socket, accepted.length - 1)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  listener = { server, port: (server.address() as AddressInfo).port, accepted }
  return listener
}

const options = (port: number) => ({ hostname: '127.0.0.1', protocol: 'http:', port: String(port) })

/** undici's side: asks the connector for a connection. */
function ask(sockets: WarmSockets, port: number): Promise<Socket> {
  return new Promise((resolve, reject) =>
    sockets.connect(options(port), (error, socket) => {
      if (error || !socket) reject(error ?? new Error('no socket'))
      else {
        handed.push(socket as Socket)
        resolve(socket as Socket)
      }
    }),
  )
}

/** Polls for up to 5 s: the client's 'connect' and the server's 'connection' come in either order, and CI is busy. */
const until = async (check: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5000
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(check()).toBe(true)
}

/** No more connections arrive than `n`: waits for `n`, then a little longer for any beyond it. */
const settlesAt = async (accepted: Socket[], n: number): Promise<void> => {
  await until(() => accepted.length >= n)
  await new Promise((resolve) => setTimeout(resolve, 30))
  expect(accepted).toHaveLength(n)
}

describe('warmSockets', () => {
  it('opens the next connections while the first is in use, and hands each over once', async () => {
    const { port, accepted } = await listen()
    warm = warmSockets({ ahead: 2 })
    warm.expect(4)
    const first = await ask(warm, port)
    // Two more are opened ahead (the run announced three more requests, `ahead` caps it at two).
    await until(() => warm!.ready === 2)
    await settlesAt(accepted, 3)
    const second = await ask(warm, port)
    const third = await ask(warm, port)
    const fourth = await ask(warm, port)
    // No connection is handed over twice, and none is opened beyond the four requests announced.
    expect(new Set([first, second, third, fourth]).size).toBe(4)
    await settlesAt(accepted, 4)
    expect(warm.ready).toBe(0)
  })

  it('opens nothing ahead when the run announced no more requests, or with no bound', async () => {
    const { port, accepted } = await listen()
    warm = warmSockets({ ahead: 4 })
    await ask(warm, port)
    const unbounded = warmSockets({ ahead: 0 })
    unbounded.expect(10)
    await ask(unbounded, port)
    await settlesAt(accepted, 2)
    expect(warm.ready + unbounded.ready).toBe(0)
    unbounded.close()
  })

  it('never hands over a connection that received bytes before its request (an answer nobody asked for)', async () => {
    const stray = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}'
    // Every connection after the first answers at once, before any request is written on it.
    const { port } = await listen((socket, n) => {
      if (n > 0) socket.write(stray)
    })
    warm = warmSockets({ ahead: 1 })
    warm.expect(2)
    await ask(warm, port)
    await until(() => listener!.accepted.length === 2)
    const spoiled = listener!.accepted[1]!
    // The client read the stray bytes and closed that connection (its server side sees the end).
    await until(() => spoiled.destroyed || spoiled.readableEnded)
    expect(warm.ready).toBe(0)
    const second = await ask(warm, port)
    // A new connection, not the spoiled one.
    await settlesAt(listener!.accepted, 3)
    expect(second.localPort).toBe(listener!.accepted[2]!.remotePort)
  })

  it('drops a connection Layer closed or reset while it waited', async () => {
    const { port, accepted } = await listen((socket, n) => {
      if (n === 1) socket.end()
      if (n === 2) socket.resetAndDestroy()
    })
    warm = warmSockets({ ahead: 2 })
    warm.expect(3)
    await ask(warm, port)
    await until(() => accepted.length === 3)
    await until(() => warm!.ready === 0)
    const next = await ask(warm, port)
    expect(next.destroyed).toBe(false)
    expect(accepted.length).toBeGreaterThanOrEqual(4)
  })

  it('close() destroys the connections still waiting and opens no more', async () => {
    const { port, accepted } = await listen()
    warm = warmSockets({ ahead: 3 })
    warm.expect(10)
    await ask(warm, port)
    await until(() => warm!.ready === 3)
    warm.close()
    expect(warm.ready).toBe(0)
    await until(() => accepted.slice(1).every((socket) => socket.readableEnded || socket.destroyed))
    // Still answers undici (a request after close connects itself), without opening any ahead.
    await ask(warm, port)
    await settlesAt(accepted, 5)
  })

  it('a connection that cannot be opened ahead is dropped: the request connects itself and reports its own error', async () => {
    const { port } = await listen()
    let calls = 0
    warm = warmSockets({
      ahead: 1,
      connector: (o, callback) => {
        calls++
        // The connection opened ahead (the second call, after the first request's own) fails.
        if (calls === 2) callback(new Error('ECONNREFUSED (ahead)'), null)
        else {
          const socket = createConnection({ host: o.hostname, port: Number(o.port) }, () => callback(null, socket))
          socket.on('error', () => {})
        }
      },
    })
    warm.expect(2)
    await ask(warm, port)
    const second = await ask(warm, port)
    expect(second.destroyed).toBe(false)
    expect(calls).toBe(3)
  })
})
