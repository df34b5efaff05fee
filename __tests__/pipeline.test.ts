/**
 * pricePlan with the base read while the head is priced (SPEC 10): pure, with a recording
 * estimator. The plan and its outcomes are the same as with the base read first; max-requests still
 * bounds what reaches Layer.
 */
import { describe, expect, it } from '@jest/globals'
import { GateError } from '../src/errors.js'
import { pricePlan } from '../src/pipeline.js'
import { buildPlan } from '../src/pricing/plan.js'
import type { Estimator, Generation, Manifest } from '../src/types.js'
import { WORKSPACE, answer, gen } from './fixtures/report/generations.js'

const manifest = (generations: Generation[]): Manifest => ({
  file: '.layer/generations.yml',
  version: 1,
  workspaceId: WORKSPACE,
  generations,
})

/** Prices a body at its prompt's length; records the prompts in the order sent. */
function recorder(): { estimator: Estimator; sent: string[] } {
  const sent: string[] = []
  const estimator: Estimator = {
    estimate: async (_w, body) => {
      sent.push(String(body.prompt))
      return answer(String(body.prompt).length)
    },
  }
  return { estimator, sent }
}

const head = [gen('knight'), gen('castle'), gen('dragon')]
const base = [gen('knight'), gen('tower'), gen('castle', { body: { prompt: 'old castle' } })]

describe('pricePlan with a base read later', () => {
  it('gives the plan of head and base, each distinct body priced once, outcomes in plan order', async () => {
    const { estimator, sent } = recorder()
    let reads = 0
    const priced = await pricePlan({
      head: [manifest(head)],
      laterBase: async () => {
        reads++
        return [manifest(base)]
      },
      concurrency: 2,
      maxRequests: 10,
      estimator,
    })
    expect(reads).toBe(1)
    const together = buildPlan(WORKSPACE, head, base)
    expect(priced.plan).toEqual(together)
    expect(sent.sort()).toEqual(['castle', 'dragon', 'knight', 'old castle', 'tower'])
    expect(priced.outcomes.map((o) => (o.ok ? o.response.estimated_price_creative_units : NaN))).toEqual(
      together.requests.map((r) => String(r.body.prompt).length),
    )
  })

  it('a base that is not there (the manifest is new) leaves the head plan', async () => {
    const { estimator } = recorder()
    const priced = await pricePlan({ head: [manifest(head)], laterBase: async () => undefined, concurrency: 2, maxRequests: 3, estimator })
    expect(priced.plan).toEqual(buildPlan(WORKSPACE, head))
  })

  it('counts the base against max-requests before any of its bodies is sent', async () => {
    const { estimator, sent } = recorder()
    const run = pricePlan({ head: [manifest(head)], laterBase: async () => [manifest(base)], concurrency: 2, maxRequests: 4, estimator })
    await expect(run).rejects.toThrow(GateError)
    await expect(run).rejects.toThrow('the manifests need 5 distinct estimate requests, more than max-requests (4)')
    expect(sent.filter((prompt) => prompt === 'tower' || prompt === 'old castle')).toEqual([])
    expect(sent.length).toBeLessThanOrEqual(3)
  })

  it('a head over max-requests fails before anything is sent or read', async () => {
    const { estimator, sent } = recorder()
    let reads = 0
    const run = pricePlan({
      head: [manifest(head)],
      laterBase: async () => {
        reads++
        return []
      },
      concurrency: 2,
      maxRequests: 2,
      estimator,
    })
    await expect(run).rejects.toThrow('more than max-requests (2)')
    expect(sent).toEqual([])
    expect(reads).toBe(0)
  })

  it("a base read that fails is the run's failure", async () => {
    const { estimator } = recorder()
    const refused = new GateError('the base manifest .layer/generations.yml cannot be read')
    await expect(
      pricePlan({ head: [manifest(head)], laterBase: () => Promise.reject(refused), concurrency: 2, maxRequests: 10, estimator }),
    ).rejects.toBe(refused)
  })
})
