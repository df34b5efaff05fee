import { describe, expect, it } from '@jest/globals'
import { GateError } from '../src/errors.js'
import { resolveWorkspace } from '../src/workspace.js'
import type { Manifest } from '../src/types.js'

const A = '6f1c2d9e-8b1a-4c53-9f0e-2a7d4b8c1e55'
const B = '11111111-2222-3333-4444-555555555555'
const manifest = (file: string, workspaceId?: string): Manifest => ({
  file,
  version: 1,
  workspaceId,
  workspaceIdPosition: workspaceId ? { file, line: 2, col: 15 } : undefined,
  generations: [],
})

function thrown(fn: () => unknown): GateError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(GateError)
    return error as GateError
  }
  throw new Error('expected an error')
}

describe('resolveWorkspace', () => {
  it('takes the input, else the manifests', () => {
    expect(resolveWorkspace(A, [manifest('a.yml')])).toBe(A)
    expect(resolveWorkspace(undefined, [manifest('a.yml', A), manifest('b.yml')])).toBe(A)
    expect(resolveWorkspace(A.toUpperCase(), [manifest('a.yml', A)])).toBe(A)
  })

  it('refuses an input that differs from a manifest, pointing at the manifest line', () => {
    const error = thrown(() => resolveWorkspace(B, [manifest('a.yml', A)]))
    expect(error.message).toContain('differs from the `workspace-id` input')
    expect(error.problems).toEqual([expect.objectContaining({ file: 'a.yml', line: 2, col: 15, path: 'workspace_id' })])
  })

  it('refuses manifests that disagree', () => {
    const error = thrown(() => resolveWorkspace(undefined, [manifest('a.yml', A), manifest('b.yml', B)]))
    expect(error.message).toMatch(/2 different workspaces/)
    expect(error.problems.map((p) => p.file)).toEqual(['a.yml', 'b.yml'])
  })

  it('refuses when neither names a workspace', () => {
    expect(thrown(() => resolveWorkspace(undefined, [manifest('a.yml')])).message).toMatch(/set the `workspace-id` input/)
  })
})
