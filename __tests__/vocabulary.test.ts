import { describe, expect, it } from '@jest/globals'
import { ACTION_WORDS, CLI_WORDS } from '../src/vocabulary.js'
import { resolveWorkspace } from '../src/workspace.js'
import { statusFailure } from '../src/layer/failures.js'
import type { Manifest } from '../src/types.js'

const WS = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const OTHER = '0b1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const manifest: Manifest = { file: 'a.yml', version: 1, workspaceId: WS, generations: [] }

describe('one message, worded for its audience', () => {
  it('names settings as inputs for the action and as flags for the CLI', () => {
    expect(ACTION_WORDS.named('workspace-id')).toBe('the `workspace-id` input')
    expect(CLI_WORDS.named('workspace-id')).toBe('`--workspace-id`')
    expect(() => resolveWorkspace(OTHER, [manifest])).toThrow(`differs from the \`workspace-id\` input ${OTHER}`)
    expect(() => resolveWorkspace(OTHER, [manifest], CLI_WORDS)).toThrow(`differs from \`--workspace-id\` ${OTHER}`)
  })

  it("words Layer's refusals for the audience", () => {
    const context = { workspaceId: WS, modelId: 'm', shownUrl: 'https://x', quote: (text: string) => text, redact: (text: string) => text }
    const policy = { now: () => 0, maxRetryAfterMs: 1000 }
    const action = statusFailure(401, undefined, '', context, policy).message(1)
    const cli = statusFailure(401, undefined, '', { ...context, words: CLI_WORDS }, policy).message(1)
    expect(action).toContain('check the `layer-token` secret (LAYER_API_TOKEN for the CLI)')
    expect(cli).toContain('check LAYER_API_TOKEN, a Personal Access Token')
    expect(statusFailure(503, undefined, '', { ...context, words: CLI_WORDS }, policy).message(3)).toMatch(/run it again later$/)
  })
})
