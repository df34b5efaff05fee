import { describe, expect, it } from '@jest/globals'
import { describeError, redactSecrets } from '../src/errors.js'

describe('redactSecrets', () => {
  it('cuts every secret out, also URL-encoded, and leaves short ones alone', () => {
    const text = 'token ghp_abc/def+1 in https://x.example/?t=ghp_abc%2Fdef%2B1 and sim-token twice: sim-token; abc'
    expect(redactSecrets(text, ['ghp_abc/def+1', 'sim-token', 'abc', ''])).toBe('token *** in https://x.example/?t=*** and *** twice: ***; abc')
    expect(redactSecrets('nothing here', [])).toBe('nothing here')
  })
})

describe('describeError', () => {
  it('gives the message of an error, also one from another realm, and the text of anything else', () => {
    expect(describeError(new TypeError('bad'))).toBe('bad')
    expect(describeError({ message: 'from a vm context', name: 'TypeError' })).toBe('from a vm context')
    expect(describeError('plain')).toBe('plain')
    expect(describeError(42)).toBe('42')
  })
})
