import { describe, expect, it } from '@jest/globals'
import { createRedactor, redactedJson, redactSecrets } from '../src/secrets.js'

describe('redactSecrets', () => {
  it('cuts every secret out, also URL-encoded, and leaves short ones alone', () => {
    const text = 'token ghp_abc/def+1 in https://x.example/?t=ghp_abc%2Fdef%2B1 and sim-token twice: sim-token; abc'
    expect(redactSecrets(text, ['ghp_abc/def+1', 'sim-token', 'abc', ''])).toBe(
      'token *** in https://x.example/?t=*** and *** twice: ***; abc',
    )
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

describe('createRedactor: every form a secret takes', () => {
  const token = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'
  const redact = createRedactor([token])

  it('cuts the base64 of the x-access-token credential the checkout action writes into .git/config', () => {
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`
    expect(redact(`extraheader = ${header}`)).not.toMatch(/basic [A-Za-z0-9+/]{20,}/)
    expect(redact(`extraheader = ${header}`)).toContain('***')
  })

  it('cuts the base64 of the token inside any longer base64 text, at every alignment', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', 'user:']) {
      const encoded = Buffer.from(`${prefix}${token}!`).toString('base64')
      const out = redact(encoded)
      expect(out).toContain('***')
      // What is left cannot be decoded back to the token.
      expect(Buffer.from(out.replace(/\*/g, ''), 'base64').toString('latin1')).not.toContain(token.slice(4, 20))
    }
  })

  it('cuts the raw, URL-encoded and base64url forms, and leaves ordinary text alone', () => {
    const odd = 'tok/en+with?chars=1'
    const r = createRedactor([odd])
    expect(r(`raw ${odd} url ${encodeURIComponent(odd)} b64url ${Buffer.from(odd).toString('base64url')}`)).toMatch(
      /^raw \*\*\* url \*\*\* b64url \*\*\*.?$/,
    ) // at most the last, partial character stays
    expect(redact('within budget: 444.025 CU of 12,480.5 CU')).toBe('within budget: 444.025 CU of 12,480.5 CU')
  })
})

describe('redactedJson', () => {
  it('writes indented JSON with every string value redacted, keys and other values as they are', () => {
    const redact = createRedactor(['tok-secret-123'])
    const text = redactedJson(
      { message: 'bad tok-secret-123', nested: [{ url: 'https://x/tok-secret-123' }], total: 1.5, ok: true },
      redact,
    )
    expect(JSON.parse(text)).toEqual({ message: 'bad ***', nested: [{ url: 'https://x/***' }], total: 1.5, ok: true })
    expect(text).toContain('\n  "message"')
  })
})
