/** The estimate answer parser, pure: a body in, an EstimateResponse or the reason it is not one out. */
import { describe, expect, it } from '@jest/globals'
import { MAX_FIGURE_CU, parseEstimateAnswer, repeatedKey } from '../../src/layer/answer.js'
import { quoter } from '../../src/layer/text.js'
import { createRedactor } from '../../src/secrets.js'

const SECRET = 'lyr_pat_answer_test_0123456789'
const quote = quoter(createRedactor([SECRET]))
const parse = (text: string | undefined, status = 200) => parseEstimateAnswer(status, text, quote)
const estimate = {
  estimated_price_creative_units: 5,
  workspace_balance_creative_units: 1000,
  estimated_remaining_balance_creative_units: 995,
  has_sufficient_creative_units: true,
}

describe('parseEstimateAnswer', () => {
  it('reads the four fields and drops the others', () => {
    expect(parse(JSON.stringify({ ...estimate, currency: 'CU' }))).toEqual({ ok: true, response: estimate })
  })

  it.each<[string, string | undefined, string]>([
    ['too large', undefined, 'the answer is larger than 1024 KiB'],
    ['empty', ' \n', 'the answer is empty'],
    ['not JSON, quoted without the secret', `<html>${SECRET}</html>`, 'the answer is not JSON: "<html>***</html>"'],
    ['an array', '[1]', 'expected a JSON object, got an array'],
    ['null', 'null', 'expected a JSON object, got null'],
    ['a missing field', JSON.stringify({ ...estimate, has_sufficient_creative_units: undefined }), 'missing has_sufficient_creative_units'],
    [
      'a price as a string',
      JSON.stringify({ ...estimate, estimated_price_creative_units: '5' }),
      'estimated_price_creative_units is a string ("5"), expected a number',
    ],
    [
      'a negative price',
      JSON.stringify({ ...estimate, estimated_price_creative_units: -1 }),
      'estimated_price_creative_units is negative (-1)',
    ],
    ['an overflowing number', JSON.stringify(estimate).replace('1000', '1e999'), 'workspace_balance_creative_units is not a finite number'],
  ])('refuses %s', (_name, text, problem) => {
    expect(parse(text)).toEqual({ ok: false, problem })
  })
})

describe('parseEstimateAnswer: answers that lie', () => {
  const body = (fields: Partial<typeof estimate>) => JSON.stringify({ ...estimate, ...fields })

  it.each([201, 203, 206, 299])('a %i is not an estimate, however valid its body', (status) => {
    expect(parse(JSON.stringify(estimate), status)).toEqual({ ok: false, problem: 'only an HTTP 200 answer is an estimate' })
  })

  it('refuses a key given twice, whichever value comes last', () => {
    const twice = JSON.stringify(estimate).replace('}', ',"workspace_balance_creative_units":1000000}')
    expect(JSON.parse(twice)).toMatchObject({ workspace_balance_creative_units: 1000000 }) // what JSON.parse alone would believe
    expect(parse(twice)).toEqual({ ok: false, problem: 'the key "workspace_balance_creative_units" appears more than once' })
    // The same key spelled with an escape is the same key.
    expect(parse(JSON.stringify(estimate).replace('}', ',"estimated_\\u0070rice_creative_units":0}'))).toEqual({
      ok: false,
      problem: 'the key "estimated_price_creative_units" appears more than once',
    })
  })

  it.each<[string, Partial<typeof estimate>, string]>([
    [
      'a price of 1e308',
      { estimated_price_creative_units: 1e308, estimated_remaining_balance_creative_units: -1e308 },
      'estimated_price_creative_units is 1e+308, beyond the 1,000,000,000 CU',
    ],
    [
      'a balance of 1e300',
      { workspace_balance_creative_units: 1e300, estimated_remaining_balance_creative_units: 1e300 },
      'workspace_balance_creative_units is 1e+300, beyond',
    ],
    [
      'a remaining balance of -2e9',
      { estimated_remaining_balance_creative_units: -2e9 },
      'estimated_remaining_balance_creative_units is -2000000000, beyond',
    ],
    [
      'price 5, balance 1000, remaining -50',
      { estimated_remaining_balance_creative_units: -50, has_sufficient_creative_units: false },
      'the figures disagree: balance 1000 − price 5 is not the remaining balance -50',
    ],
    ['remaining off by 0.011', { estimated_remaining_balance_creative_units: 994.989 }, 'the figures disagree'],
  ])('refuses %s', (_name, fields, problem) => {
    const parsed = parse(body(fields))
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : parsed.problem).toContain(problem)
  })

  it.each<[string, Partial<typeof estimate>]>([
    ['remaining within 0.01 of balance − price (Layer rounds)', { estimated_remaining_balance_creative_units: 995.01 }],
    [
      'decimals that binary floats cannot hold',
      { estimated_price_creative_units: 0.1, workspace_balance_creative_units: 0.3, estimated_remaining_balance_creative_units: 0.2 },
    ],
    [
      'the largest believed figures',
      {
        estimated_price_creative_units: MAX_FIGURE_CU,
        workspace_balance_creative_units: MAX_FIGURE_CU,
        estimated_remaining_balance_creative_units: 0,
      },
    ],
    // Some workspaces may go below zero: Layer's `true` beside a negative remaining is not a contradiction.
    [
      'true beside a negative remaining',
      { workspace_balance_creative_units: 1, estimated_remaining_balance_creative_units: -4, has_sufficient_creative_units: true },
    ],
    ['false beside a positive remaining (Layer knows its workspace)', { has_sufficient_creative_units: false }],
    [
      'a negative balance',
      { workspace_balance_creative_units: -10, estimated_remaining_balance_creative_units: -15, has_sufficient_creative_units: false },
    ],
  ])('believes %s', (_name, fields) => {
    expect(parse(body(fields))).toEqual({ ok: true, response: { ...estimate, ...fields } })
  })
})

describe('repeatedKey', () => {
  it.each<[string, string | undefined]>([
    ['{"a":1,"b":2}', undefined],
    ['{"a":1,"a":2}', 'a'],
    ['{"a":{"b":1,"b":2}}', 'b'],
    ['[{"a":1},{"a":1}]', undefined],
    ['{"a":[{"x":1}],"b":{"x":{"x":2}},"c":"\\"a\\":"}', undefined],
    ['{"s":"a,\\"s\\":1","s":2}', 's'],
    ['{"a":[1,{"k":1,"k":2}]}', 'k'],
    ['{}', undefined],
  ])('%s -> %s', (text, key) => {
    expect(() => JSON.parse(text)).not.toThrow()
    expect(repeatedKey(text)).toBe(key)
  })
})

describe('parseEstimateAnswer: the simulator mark', () => {
  it('labels an estimate that carries the simulator header as simulated, and only then', () => {
    const text = JSON.stringify(estimate)
    expect(parseEstimateAnswer(200, text, quote, 'made-up prices')).toEqual({ ok: true, response: { ...estimate, simulated: true } })
    expect(parseEstimateAnswer(200, text, quote, '')).toEqual({ ok: true, response: { ...estimate, simulated: true } })
    expect(parseEstimateAnswer(200, text, quote)).toEqual({ ok: true, response: estimate })
  })

  it('keeps every check for a marked answer: a JSON field cannot mark one, the header cannot excuse one', () => {
    // A `simulated` field in the body is Layer's text, not the mark: it is dropped like any extra field.
    expect(parse(JSON.stringify({ ...estimate, simulated: true }))).toEqual({ ok: true, response: estimate })
    expect(parseEstimateAnswer(201, JSON.stringify(estimate), quote, 'made-up prices')).toEqual({
      ok: false,
      problem: 'only an HTTP 200 answer is an estimate',
    })
    const twice =
      '{"estimated_price_creative_units":5,"estimated_price_creative_units":1,"workspace_balance_creative_units":1000,"estimated_remaining_balance_creative_units":995,"has_sufficient_creative_units":true}'
    expect(parseEstimateAnswer(200, twice, quote, 'made-up prices')).toMatchObject({ ok: false })
    const disagreeing = JSON.stringify({ ...estimate, estimated_remaining_balance_creative_units: 5 })
    expect(parseEstimateAnswer(200, disagreeing, quote, 'made-up prices')).toMatchObject({ ok: false })
  })
})
