/** The simulator's faults, pure: the `--faults` spec and what a fault does to an answer. */
import { describe, expect, it } from '@jest/globals'
import { ConfigError } from '../../src/errors.js'
import { alterAnswer, cannedAnswer, faultFor, parseFaultSpec, type Fault } from '../../src/simulator/faults.js'

describe('parseFaultSpec', () => {
  const kinds = (spec: string, n: number): (Fault | undefined)[] => {
    const plan = parseFaultSpec(spec)
    if (typeof plan !== 'function') throw new Error('expected a function plan')
    return Array.from({ length: n }, (_, i) => plan(i, undefined))
  }

  it('reads the documented example', () => {
    expect(kinds('0:429:2,3:reset,5:hang', 7)).toEqual([
      { kind: 'status', status: 429, retryAfter: '2' },
      undefined,
      undefined,
      { kind: 'reset' },
      undefined,
      { kind: 'hang' },
      undefined,
    ])
  })

  it('reads ranges, open ranges, * and the body faults; the first matching rule wins', () => {
    expect(kinds('1-2:503, 4-:missing:has_sufficient_creative_units, *:wrong-type', 6)).toEqual([
      { kind: 'wrong-type' },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
      { kind: 'wrong-type' },
      { kind: 'missing-field', field: 'has_sufficient_creative_units' },
      { kind: 'missing-field', field: 'has_sufficient_creative_units' },
    ])
    expect(kinds('*:malformed', 2)).toEqual([{ kind: 'malformed' }, { kind: 'malformed' }])
    expect(kinds('', 2)).toEqual([undefined, undefined])
  })

  it.each([
    ['x:503', '"x" is not a request number'],
    ['3-1:503', 'ends before it starts'],
    ['0:explode', 'unknown fault "explode"'],
    ['0:429:soon', 'Retry-After "soon" is not a number of seconds'],
    ['0:reset:1', 'reset takes no argument'],
    ['0:429:1:2', 'too many ":"'],
    ['0:999', '999 is not an HTTP status'],
  ])('refuses %s', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(ConfigError)
    expect(() => parseFaultSpec(spec)).toThrow(message)
  })
})

describe('faultFor', () => {
  it('reads a function, an array and a record plan', () => {
    const reset: Fault = { kind: 'reset' }
    expect(faultFor((n) => (n === 2 ? reset : undefined), 2, {})).toBe(reset)
    expect(faultFor([undefined, reset], 1, {})).toBe(reset)
    expect(faultFor({ 3: reset }, 3, {})).toBe(reset)
    expect(faultFor({ 3: reset }, 2, {})).toBeUndefined()
    expect(faultFor(undefined, 0, {})).toBeUndefined()
  })
})

describe('cannedAnswer and alterAnswer', () => {
  const payload = () => ({ estimated_price_creative_units: 1.4, has_sufficient_creative_units: true })

  it('a status fault answers FastAPI-style JSON by default, its own body (typed by content) otherwise', () => {
    expect(cannedAnswer({ kind: 'status', status: 503, retryAfter: '2' })).toEqual({
      status: 503,
      text: '{"detail":"Service Unavailable"}',
      headers: { 'retry-after': '2', 'content-type': 'application/json' },
    })
    expect(cannedAnswer({ kind: 'status', status: 500, body: 'oops' })?.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(cannedAnswer({ kind: 'malformed' })).toMatchObject({
      status: 200,
      text: '{"estimated_price_creative_units": 1.25, "workspace_bal',
    })
    expect(cannedAnswer({ kind: 'wrong-type' })).toBeUndefined()
  })

  it('the field faults change one field of the normal answer', () => {
    expect(JSON.parse(alterAnswer({ kind: 'missing-field' }, payload()))).toEqual({ has_sufficient_creative_units: true })
    expect(JSON.parse(alterAnswer({ kind: 'wrong-type', field: 'has_sufficient_creative_units' }, payload()))).toEqual({
      estimated_price_creative_units: 1.4,
      has_sufficient_creative_units: 'true',
    })
    expect(JSON.parse(alterAnswer({ kind: 'wrong-value', value: -1 }, payload()))).toEqual({
      estimated_price_creative_units: -1,
      has_sufficient_creative_units: true,
    })
    expect(JSON.parse(alterAnswer({ kind: 'reset' }, payload()))).toEqual(payload())
    const balanced = {
      estimated_price_creative_units: 1.4,
      workspace_balance_creative_units: 2500.75,
      estimated_remaining_balance_creative_units: 2499.35,
      has_sufficient_creative_units: true,
    }
    expect(JSON.parse(alterAnswer({ kind: 'price', value: 0.0004 }, { ...balanced }))).toEqual({
      ...balanced,
      estimated_price_creative_units: 0.0004,
      estimated_remaining_balance_creative_units: 2500.7496,
    })
    expect(JSON.parse(alterAnswer({ kind: 'price', value: 3000 }, { ...balanced }))).toEqual({
      ...balanced,
      estimated_price_creative_units: 3000,
      estimated_remaining_balance_creative_units: -499.25,
      has_sufficient_creative_units: false,
    })
  })
})
