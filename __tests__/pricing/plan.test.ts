import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { GateError } from '../../src/errors.js'
import { assertWithinRequestLimit, buildPlan, canonicalKey, requestIndexByGeneration } from '../../src/pricing/plan.js'
import { WORKSPACE, gen } from '../fixtures/report/generations.js'

describe('canonicalKey', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }
    const b = { a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 }
    expect(canonicalKey(a)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}')
    expect(canonicalKey(b)).toBe(canonicalKey(a))
    expect(canonicalKey({ list: [1, 2] })).not.toBe(canonicalKey({ list: [2, 1] }))
  })

  it('drops undefined members like JSON.stringify and escapes strings', () => {
    expect(canonicalKey({ a: undefined, b: 'q"\n' })).toBe('{"b":"q\\"\\n"}')
    expect(canonicalKey([undefined, 1])).toBe('[null,1]')
    expect(canonicalKey(undefined)).toBe('null')
  })

  it('tells apart values JSON tells apart (1 vs "1", null vs missing)', () => {
    expect(canonicalKey({ a: 1 })).not.toBe(canonicalKey({ a: '1' }))
    expect(canonicalKey({ a: null })).not.toBe(canonicalKey({}))
  })

  it('is JSON that parses back to the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const key = canonicalKey(value)
        expect(JSON.parse(key)).toEqual(JSON.parse(JSON.stringify(value)))
        // Rebuilding every object with reversed key order gives the same key.
        const reversed = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse()) : v,
        ) as unknown
        expect(canonicalKey(reversed)).toBe(key)
      }),
    )
  })
})

describe('buildPlan', () => {
  it('sends one request per distinct body: key order is irrelevant, runs are not part of the body', () => {
    const head = [
      gen('a', { body: { width: 512, height: 512 }, runs: 3 }),
      gen('b', { body: { height: 512, width: 512 }, runs: 1 }),
      gen('c', { body: { width: 1024, height: 512 } }),
    ]
    // Same prompt for a and b, so their bodies are equal.
    head[1]!.body.prompt = 'a'
    const plan = buildPlan(WORKSPACE, head)
    expect(plan.workspaceId).toBe(WORKSPACE)
    expect(plan.headCount).toBe(3)
    expect(plan.requests.map((r) => r.generations)).toEqual([[0, 1], [2]])
    expect(plan.requests[0]!.body).toBe(head[0]!.body)
    expect(plan.requests[0]!.key).toBe(canonicalKey(head[1]!.body))
  })

  it('lists head then base generations, and an unchanged base generation costs no extra request', () => {
    const head = [gen('a'), gen('b', { body: { width: 2048 } })]
    const base = [gen('a'), gen('b', { body: { width: 1024 } }), gen('old')]
    const plan = buildPlan(WORKSPACE, head, base)
    expect(plan.generations.map((g) => g.name)).toEqual(['a', 'b', 'a', 'b', 'old'])
    expect(plan.headCount).toBe(2)
    expect(plan.requests.map((r) => r.generations)).toEqual([[0, 2], [1], [3], [4]])
    expect(requestIndexByGeneration(plan)).toEqual([0, 1, 0, 2, 3])
  })

  it('plans an empty manifest as no request', () => {
    expect(buildPlan(WORKSPACE, [])).toEqual({ workspaceId: WORKSPACE, generations: [], headCount: 0, requests: [] })
  })

  it('plans 10,000 generations over 100 distinct bodies in linear time', () => {
    const head = Array.from({ length: 10_000 }, (_, i) => gen(`g${i}`, { body: { prompt: `p${i % 100}`, width: 512 } }))
    const started = performance.now()
    const plan = buildPlan(WORKSPACE, head)
    const elapsed = performance.now() - started
    expect(plan.requests).toHaveLength(100)
    expect(plan.requests[7]!.generations).toHaveLength(100)
    expect(elapsed).toBeLessThan(1_000)
  })
})

describe('assertWithinRequestLimit', () => {
  const planOf = (n: number) =>
    buildPlan(
      WORKSPACE,
      Array.from({ length: n }, (_, i) => gen(`g${i}`)),
    )

  it('accepts a plan at the limit', () => {
    expect(() => assertWithinRequestLimit(planOf(3), 3)).not.toThrow()
  })

  it('refuses a plan over the limit before any request, saying what to do', () => {
    const plan = planOf(2345)
    expect(() => assertWithinRequestLimit(plan, 2000)).toThrow(GateError)
    expect(() => assertWithinRequestLimit(plan, 2000)).toThrow(
      'the manifests need 2,345 distinct estimate requests, more than max-requests (2000): raise `max-requests` or remove generations',
    )
  })

  it('counts the base requests too', () => {
    const plan = buildPlan(WORKSPACE, [gen('a')], [gen('b')])
    expect(() => assertWithinRequestLimit(plan, 1)).toThrow('need 2 distinct estimate requests')
  })
})
