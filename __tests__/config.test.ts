import { describe, expect, it } from '@jest/globals'
import { parseConfig, policyOf, reportPathOf, splitPatterns } from '../src/config.js'
import { ConfigError } from '../src/errors.js'

const context = { tempDir: '/tmp/runner' }
const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const parse = (values: Record<string, string>) => parseConfig(inputs({ 'layer-token': 'tok', ...values }), context)

function errorOf(values: Record<string, string>): string {
  try {
    parse(values)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('parseConfig', () => {
  it('applies the defaults of action.yml', () => {
    const config = parse({})
    expect(config).toEqual({
      layerToken: 'tok',
      workspaceId: undefined,
      manifestPatterns: ['.layer/generations.yml'],
      apiUrl: 'https://api.app.layer.ai/api',
      githubToken: '',
      comment: 'update',
      commentKey: 'default',
      failOnInsufficient: true,
      minRemaining: 0,
      maxTotal: undefined,
      concurrency: 4,
      maxRetries: 4,
      requestTimeoutMs: 30000,
      compareBase: true,
      maxRequests: 2000,
      reportPath: '/tmp/runner/layer-budget-gate/report.json',
      commentOn: 'change',
      maxWaitMs: 300_000,
      approvalPermission: 'maintain',
      openPullRequests: 'warn',
    })
  })

  it('reads approval-label and approval-permission (SPEC 9), off by default', () => {
    expect(parse({}).approvalLabel).toBeUndefined()
    expect(parse({ 'approval-label': ' budget exception ', 'approval-permission': 'admin' })).toMatchObject({
      approvalLabel: 'budget exception',
      approvalPermission: 'admin',
    })
    expect(parse({ 'approval-permission': 'write' }).approvalPermission).toBe('write')
  })

  it.each(['triage', 'read', 'Maintain', 'owner'])('refuses approval-permission %s, naming the levels it accepts', (value) => {
    expect(() => parse({ 'approval-permission': value })).toThrow(
      `input \`approval-permission\` must be the least repository permission of an approver: write, maintain, admin, got "${value}"`,
    )
  })

  it('refuses an approval-label no GitHub label can have', () => {
    expect(() => parse({ 'approval-label': 'x'.repeat(51) })).toThrow(/input `approval-label` must be the name of a label/)
    expect(() => parse({ 'approval-label': 'budget\nexception' })).toThrow(/at most 50 characters, one line/)
  })

  it.each(['-1', 'soon', '1.5', '3601'])('refuses max-wait-seconds %s before any request, naming the input', (value) => {
    expect(() => parse({ 'max-wait-seconds': value })).toThrow(
      `input \`max-wait-seconds\` must be a whole number from 0 to 3600, got "${value}"`,
    )
  })

  it('reads max-wait-seconds in seconds', () => {
    expect(parse({ 'max-wait-seconds': '2' }).maxWaitMs).toBe(2000)
  })

  it('reads open-pull-requests', () => {
    expect(parse({ 'open-pull-requests': 'fail' }).openPullRequests).toBe('fail')
    expect(parse({ 'open-pull-requests': ' ignore ' }).openPullRequests).toBe('ignore')
  })

  it('reads comment-on', () => {
    expect(parse({ 'comment-on': 'always' }).commentOn).toBe('always')
    expect(parse({ 'comment-on': ' change ' }).commentOn).toBe('change')
  })

  it('reads every value', () => {
    const config = parse({
      'workspace-id': '6F1C2D9E-8B1A-4C53-9F0E-2A7D4B8C1E55',
      manifest: 'a.yml, b/*.yml\n  c.yaml\n',
      'api-url': 'http://127.0.0.1:8080/api/',
      comment: 'hide-and-new',
      'fail-on-insufficient': 'false',
      'min-remaining-balance': '100.25',
      'max-total': '5000',
      concurrency: '8',
      'max-retries': '0',
      'request-timeout-seconds': '5',
      'compare-base': 'false',
      'max-requests': '10',
      'report-path': '/x/report.json',
    })
    expect(config.workspaceId).toBe('6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55')
    expect(config.manifestPatterns).toEqual(['a.yml', 'b/*.yml', 'c.yaml'])
    expect(config.apiUrl).toBe('http://127.0.0.1:8080/api')
    expect(config.comment).toBe('hide-and-new')
    expect(config.failOnInsufficient).toBe(false)
    expect(config.minRemaining).toBe(100_250_000)
    expect(config.maxTotal).toBe(5_000_000_000)
    expect([config.concurrency, config.maxRetries, config.requestTimeoutMs, config.maxRequests]).toEqual([8, 0, 5000, 10])
    expect(config.compareBase).toBe(false)
    expect(config.reportPath).toBe('/x/report.json')
  })

  it.each([
    [{ concurrency: 'lots' }, 'input `concurrency` must be a whole number from 1 to 64, got "lots"'],
    [{ concurrency: '0' }, 'input `concurrency` must be a whole number from 1 to 64, got "0"'],
    [{ 'max-retries': '-1' }, 'input `max-retries` must be a whole number from 0 to 10, got "-1"'],
    [{ 'fail-on-insufficient': 'yes' }, 'input `fail-on-insufficient` must be true or false, got "yes"'],
    [{ comment: 'sticky' }, 'input `comment` must be one of update, new, delete-and-new, hide-and-new, off, got "sticky"'],
    [
      { 'min-remaining-balance': '-5' },
      'input `min-remaining-balance` must be a number of Creative Units ≥ 0 such as 250 or 99.5, got "-5"',
    ],
    [{ 'max-total': '1e9' }, 'input `max-total` must be a number of Creative Units ≥ 0 such as 250 or 99.5, or empty, got "1e9"'],
    [{ 'workspace-id': 'my-workspace' }, 'input `workspace-id` must be a Layer workspace UUID'],
    [{ 'api-url': 'http://api.example.com' }, 'input `api-url` must use https'],
    [{ 'api-url': 'not a url' }, 'input `api-url` must be an https URL'],
    // These three were the Layer client's own checks; parseConfig is now their only owner.
    [{ 'api-url': 'ftp://example.com/api' }, 'input `api-url` must use https'],
    [{ 'request-timeout-seconds': '0' }, 'input `request-timeout-seconds` must be a whole number from 1 to 600, got "0"'],
    [{ 'layer-token': '   ' }, 'input `layer-token` is empty'],
    [{ 'api-url': 'https://user:pw@api.example.com' }, 'must not carry credentials'],
    [{ 'comment-key': 'a b' }, 'input `comment-key` must be 1 to 64'],
    [{ manifest: ' , ' }, 'input `manifest` names no file'],
    [
      { 'comment-on': 'never' },
      'input `comment-on` must be change (a new comment only when the pull request changes a generation) or always, got "never"',
    ],
    [
      { 'open-pull-requests': 'block' },
      'input `open-pull-requests` must be warn (a pull request that fits alone but not with the other open ones passes with a warning), fail (it fails) or ignore (the other open pull requests are not read), got "block"',
    ],
    [
      { 'warn-remaining-balance': '-1' },
      'input `warn-remaining-balance` must be a number of Creative Units ≥ 0 such as 250 or 99.5, or empty, got "-1"',
    ],
  ])('refuses %j', (values, message) => {
    expect(errorOf(values)).toContain(message)
  })

  it('reads warn-remaining-balance as an optional amount, rounded up like the reserve, into the policy', () => {
    expect(parse({}).warnRemaining).toBeUndefined()
    expect(policyOf(parse({}))).toEqual({ minRemaining: 0, failOnInsufficient: true })
    const config = parse({ 'warn-remaining-balance': '500.0000001', 'min-remaining-balance': '100', 'max-total': '900' })
    expect(config.warnRemaining).toBe(500_000_001)
    expect(policyOf(config)).toEqual({
      minRemaining: 100_000_000,
      maxTotal: 900_000_000,
      warnRemaining: 500_000_001,
      failOnInsufficient: true,
    })
  })

  it('names every invalid input at once', () => {
    const message = errorOf({ concurrency: 'lots', 'max-retries': '-1' })
    expect(message).toMatch(/^2 invalid settings: /)
    expect(message).toContain('`concurrency`')
    expect(message).toContain('`max-retries`')
  })

  it('says how to pass the token, with the context hint', () => {
    expect(() => parseConfig(inputs({}), { ...context, missingTokenHint: 'Use the pull_request_target recipe' })).toThrow(
      /`layer-token` is empty.*secrets\.LAYER_API_TOKEN.*pull_request_target recipe/,
    )
  })
})

describe('parseConfig: tokens with a control character', () => {
  const TOKEN = 'lbg-test-token-0123456789'
  it.each([`${TOKEN}\nX-Evil: 1`, `${TOKEN}\rX`, `${TOKEN}\u0000`, `${TOKEN}\u007f`])(
    'refuses a token with a control character (%j), without echoing it',
    (token) => {
      for (const name of ['layer-token', 'github-token']) {
        let thrown: unknown
        try {
          parse({ [name]: token })
        } catch (error) {
          thrown = error
        }
        expect(thrown).toBeInstanceOf(ConfigError)
        expect((thrown as Error).message).toContain('contains a line break or control character')
        expect((thrown as Error).message).not.toContain(TOKEN)
      }
    },
  )
})

describe('splitPatterns', () => {
  it('splits on newlines and commas, but not on a comma inside braces', () => {
    expect(splitPatterns('.layer/a.yml, .layer/b.yml\n  art/*.yml  \n\n')).toEqual(['.layer/a.yml', '.layer/b.yml', 'art/*.yml'])
    expect(splitPatterns('.layer/{characters,props}.yml,extra.yml')).toEqual(['.layer/{characters,props}.yml', 'extra.yml'])
    expect(splitPatterns('a/{x,{y,z}}.yml')).toEqual(['a/{x,{y,z}}.yml'])
    // An unclosed brace does not swallow the next line.
    expect(splitPatterns('a/{x.yml\nb.yml')).toEqual(['a/{x.yml', 'b.yml'])
    expect(splitPatterns(' , \n')).toEqual([])
  })
})

describe('reportPathOf', () => {
  it('puts a relative report-path under the workspace, and the default under the temp directory', () => {
    expect(reportPathOf('out/r.json', { tempDir: '/tmp/t', baseDir: '/w' })).toBe('/w/out/r.json')
    expect(reportPathOf('/abs/r.json', { tempDir: '/tmp/t', baseDir: '/w' })).toBe('/abs/r.json')
    expect(reportPathOf('  ', { tempDir: '/tmp/t', baseDir: '/w' })).toBe('/tmp/t/layer-budget-gate/report.json')
  })
})
