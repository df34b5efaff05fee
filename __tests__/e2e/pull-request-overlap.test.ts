/**
 * End to end, SPEC 10: on a pull request the GitHub reads run while Layer prices. The BUILT action
 * runs against a slow Layer simulator and a slow fake GitHub; both log when each request arrived
 * (and the simulator when it answered), so the order of the run's round trips is read off the logs.
 * SPEC 8's and 9's reads start with pricing too, and so does the base manifest's: its bodies join the
 * run once read, counted against `max-requests` before any of them is sent.
 */
import { describe, expect, it } from '@jest/globals'
import { overlapWithPricing } from '../../scripts/overlap.js'
import { COMMENTS_PATH, OTHER_HEAD_SHA, PR, marker, usePullRequestWorld } from '../helpers/pull-request.js'

const world = usePullRequestWorld()

const BASE_MANIFEST = '/repos/acme/art/contents/.layer/generations.yml'
const label = (r: { method: string; path: string }): string => `${r.method} ${r.path.replace(/\/\d+$/, '/{id}')}`

describe('GitHub reads while Layer prices', () => {
  it('lists the comments and asks who the token is before Layer has answered; only the write waits for the verdict', async () => {
    const github = await world.startFake({ slow: [{ delayMs: 40 }] })
    github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nold verdict`)
    world.sim.setLatency(400)
    try {
      const result = await world.runPr(github)
      expect(result.code).toBe(0)
      // The same figures as without the latencies (pull-request-manifests.test.ts), and the same requests.
      expect(result.outputs).toMatchObject({ 'total-creative-units': '18.326', 'delta-creative-units': '5.786', requests: '5' })
      expect(world.sim.requests).toBe(5)

      const overlap = overlapWithPricing(github.requests, world.sim.log)
      // Started together once the first estimate request is written: in whatever order they arrive.
      expect(overlap.before).toEqual([])
      expect(overlap.during.map(label).sort()).toEqual([`GET ${BASE_MANIFEST}`, `GET ${COMMENTS_PATH}`, 'POST /graphql'])
      expect(overlap.after.map(label)).toEqual(['PATCH /repos/acme/art/issues/comments/{id}'])
      expect(github.comments(PR)[0]!.body.split('\n')[0]).toBe(marker(1000))
    } finally {
      world.sim.setLatency(0)
    }
  })

  it("starts the reads of SPEC 8 and 9 with pricing, and takes the account from SPEC 8's read: no `viewer` question of its own", async () => {
    const github = await world.startFake({ slow: [{ delayMs: 40 }] })
    github.addComment(PR, `${marker(990, OTHER_HEAD_SHA)}\nold verdict`)
    world.sim.setLatency(400)
    try {
      const result = await world.runPr(github, { inputs: { 'open-pull-requests': 'warn', 'approval-label': 'budget-exception' } })
      expect(result.code).toBe(0)
      expect(result.outputs).toMatchObject({ 'total-creative-units': '18.326', 'committed-creative-units': '0' })
      const overlap = overlapWithPricing(github.requests, world.sim.log)
      expect(overlap.before).toEqual([])
      expect(overlap.after.map(label)).toEqual(['PATCH /repos/acme/art/issues/comments/{id}'])
      // One GraphQL query: the open pull requests with `viewer`, which the comment's listing reuses.
      expect(github.requests.filter((r) => r.path === '/graphql')).toHaveLength(1)
      expect(overlap.during.map(label).sort()).toEqual([
        `GET ${BASE_MANIFEST}`,
        `GET ${COMMENTS_PATH}`,
        'GET /repos/acme/art/pulls/{id}',
        'POST /graphql',
      ])
      expect(github.comments(PR)).toHaveLength(1)
      expect(github.comments(PR)[0]!.body.split('\n')[0]).toBe(marker(1000))
    } finally {
      world.sim.setLatency(0)
    }
  })

  it('on the first run of a pull request, creates the comment after the verdict and lists again to settle a race', async () => {
    const github = await world.startFake({ slow: [{ delayMs: 40 }] })
    world.sim.setLatency(400)
    try {
      const result = await world.runPr(github)
      expect(result.code).toBe(0)
      const overlap = overlapWithPricing(github.requests, world.sim.log)
      expect(overlap.before).toEqual([])
      expect(overlap.during.map(label).sort()).toEqual([`GET ${BASE_MANIFEST}`, `GET ${COMMENTS_PATH}`])
      expect(overlap.after.map(label)).toEqual([`POST ${COMMENTS_PATH}`, `GET ${COMMENTS_PATH}`])
    } finally {
      world.sim.setLatency(0)
    }
  })
})
