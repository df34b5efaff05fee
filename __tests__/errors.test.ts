import { describe, expect, it } from '@jest/globals'
import { describeError } from '../src/errors.js'

describe('describeError', () => {
  it('gives the message of an error, also one from another realm, and the text of anything else', () => {
    expect(describeError(new TypeError('bad'))).toBe('bad')
    expect(describeError({ message: 'from a vm context', name: 'TypeError' })).toBe('from a vm context')
    expect(describeError('plain')).toBe('plain')
    expect(describeError(42)).toBe('42')
  })
})
