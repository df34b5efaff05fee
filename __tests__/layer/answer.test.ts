/** The estimate answer parser, pure: a body in, an EstimateResponse or the reason it is not one out. */
import { describe, expect, it } from '@jest/globals'
import { parseEstimateAnswer } from '../../src/layer/answer.js'
import { quoter } from '../../src/layer/text.js'
import { createRedactor } from '../../src/secrets.js'

const SECRET = 'lyr_pat_answer_test_0123456789'
const quote = quoter(createRedactor([SECRET]))
const parse = (text: string | undefined) => parseEstimateAnswer(text, quote)
const estimate = { estimated_price_creative_units: 5, workspace_balance_creative_units: 1000, estimated_remaining_balance_creative_units: 995, has_sufficient_creative_units: true }

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
    ['a price as a string', JSON.stringify({ ...estimate, estimated_price_creative_units: '5' }), 'estimated_price_creative_units is a string ("5"), expected a number'],
    ['a negative price', JSON.stringify({ ...estimate, estimated_price_creative_units: -1 }), 'estimated_price_creative_units is negative (-1)'],
    ['an overflowing number', JSON.stringify(estimate).replace('1000', '1e999'), 'workspace_balance_creative_units is not a finite number'],
  ])('refuses %s', (_name, text, problem) => {
    expect(parse(text)).toEqual({ ok: false, problem })
  })
})
