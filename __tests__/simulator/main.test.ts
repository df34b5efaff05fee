/**
 * The standalone simulator as the demo and the benchmark run it: a child process (through tsx),
 * one JSON line on stdout, faults from flags or the environment, counters on SIGTERM.
 */
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { LayerClient } from '../../src/layer/client.js'
import type { LayerError } from '../../src/layer/errors.js'
import { SIM_MODELS } from '../../src/simulator/prices.js'

const MAIN = resolve(process.cwd(), 'src/simulator/main.ts')

interface Running {
  child: ChildProcessWithoutNullStreams
  first: Record<string, unknown>
  next: () => Promise<string>
  exit: Promise<{ code: number | null; stderr: string }>
}

function launch(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exit = new Promise<{ code: number | null; stderr: string }>((done) => child.on('close', (code) => done({ code, stderr })))
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async (): Promise<string> => {
    const line = await lines.next()
    if (line.done) throw new Error(`the simulator ended early: ${stderr}`)
    return line.value
  }
  return next().then((text) => ({ child, first: JSON.parse(text) as Record<string, unknown>, next, exit }))
}

async function withSimulator(args: string[], env: Record<string, string>, body: (running: Running) => Promise<void>): Promise<void> {
  const running = await launch(args, env)
  try {
    await body(running)
  } finally {
    if (running.child.exitCode === null) running.child.kill('SIGKILL')
  }
}

describe('src/simulator/main.ts', () => {
  it('prints its address, serves estimates with planned faults, and reports counters on SIGTERM', async () => {
    await withSimulator(['--faults', '0:503:1,2:reset', '--balance', '10.5'], {}, async (running) => {
      expect(running.first).toMatchObject({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api$/),
        token: 'sim-token',
        workspace_id: '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55',
        prices: 'made-up prices',
        models: { image: SIM_MODELS.image.id, video: SIM_MODELS.video.id, '3d': SIM_MODELS.threeD.id },
      })
      const delays: number[] = []
      const client = new LayerClient({
        apiUrl: String(running.first.url),
        token: String(running.first.token),
        timeoutMs: 5_000,
        maxRetries: 2,
        userAgent: 'layer-budget-gate/test',
        sleep: async (ms) => void delays.push(ms),
        random: () => 0.5,
      })
      try {
        const workspace = String(running.first.workspace_id)
        await expect(client.estimate(workspace, { model_id: SIM_MODELS.image.id })).resolves.toEqual({
          estimated_price_creative_units: 1.4,
          workspace_balance_creative_units: 10.5,
          estimated_remaining_balance_creative_units: 9.1,
          has_sufficient_creative_units: true,
          simulated: true, // the simulator marks its answers
        })
        expect(delays).toEqual([1000]) // Retry-After: 1
        await expect(client.estimate(workspace, { model_id: SIM_MODELS.audio.id })).resolves.toMatchObject({
          estimated_price_creative_units: 0.3,
        })
        expect(delays).toEqual([1000, 250]) // the reset, retried with backoff
      } finally {
        await client.close()
      }
      running.child.kill('SIGTERM')
      expect(JSON.parse(await running.next())).toEqual({ requests: 4, max_in_flight: 1 })
      expect((await running.exit).code).toBe(0)
    })
  })

  it('takes its settings from the environment', async () => {
    const env = { LAYER_SIM_TOKEN: 'env-token', LAYER_SIM_WORKSPACE_ID: '11111111-2222-4333-8444-555555555555', LAYER_SIM_FAULTS: '*:429' }
    await withSimulator([], env, async (running) => {
      expect(running.first).toMatchObject({ token: 'env-token', workspace_id: env.LAYER_SIM_WORKSPACE_ID })
      const client = new LayerClient({
        apiUrl: String(running.first.url),
        token: 'env-token',
        timeoutMs: 5_000,
        maxRetries: 1,
        userAgent: 'layer-budget-gate/test',
        sleep: async () => undefined,
      })
      try {
        await expect(client.estimate(env.LAYER_SIM_WORKSPACE_ID, { model_id: SIM_MODELS.image.id })).rejects.toMatchObject({
          kind: 'rate-limited',
          attempts: 2,
        } satisfies Partial<LayerError>)
      } finally {
        await client.close()
      }
      running.child.kill('SIGINT')
      expect((await running.exit).code).toBe(0)
    })
  })

  it.each([
    [['--port', 'abc'], '--port: "abc" is not a valid value'],
    [['--faults', '0:explode'], 'unknown fault "explode"'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('exits 2 with one line on stderr for %j', async (args, message) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, NODE_OPTIONS: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(message)
    expect(stderr.trim().split('\n')).toHaveLength(1)
  })
})
