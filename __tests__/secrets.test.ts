import { describe, expect, it } from '@jest/globals'
import { createRedactor, redactSecrets } from '../src/secrets.js'

describe('redactSecrets', () => {
  it('cuts every secret out, also URL-encoded, and leaves short ones alone', () => {
    const text = 'token ghp_abc/def+1 in https://x.example/?t=ghp_abc%2Fdef%2B1 and sim-token twice: sim-token; abc'
    expect(redactSecrets(text, ['ghp_abc/def+1', 'sim-token', 'abc', ''])).toBe('token *** in https://x.example/?t=*** and *** twice: ***; abc')
    expect(redactSecrets('nothing here', [])).toBe('nothing here')
  })
})

describe('createRedactor', () => {
  it('redacts every secret it was built with and ignores empty or missing ones', () => {
    const redact = createRedactor(['layer-secret-1', '', undefined, 'ghs_github_2'])
    expect(redact('a layer-secret-1 and ghs_github_2 and layer-secret-1')).toBe('a *** and *** and ***')
    expect(redact('')).toBe('')
  })
})
