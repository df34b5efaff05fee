import { GateError } from './errors.js'
import { ACTION_WORDS, type Vocabulary } from './vocabulary.js'
import type { Manifest } from './types.js'
import type { Problem } from './problem.js'

/**
 * The workspace to price against (SPEC 3.2): the `workspace-id` input, else the manifests'
 * `workspace_id`. Input and manifest that differ, or two manifests that disagree, or neither: an error,
 * worded for `words`' audience.
 */
export function resolveWorkspace(inputId: string | undefined, manifests: Manifest[], words: Vocabulary = ACTION_WORDS): string {
  const declared = manifests.filter((m) => m.workspaceId !== undefined)
  const problems: Problem[] = []
  const located = (m: Manifest): Problem => ({
    file: m.file,
    line: m.workspaceIdPosition?.line ?? 1,
    col: m.workspaceIdPosition?.col ?? 1,
    title: 'Workspace mismatch',
    path: 'workspace_id',
    message: '',
  })
  if (inputId) {
    const wanted = inputId.toLowerCase()
    for (const m of declared) {
      if (m.workspaceId!.toLowerCase() !== wanted) {
        problems.push({
          ...located(m),
          message: `workspace_id ${m.workspaceId} in ${m.file} differs from ${words.named('workspace-id')} ${inputId}: make them agree, or remove one`,
        })
      }
    }
    if (problems.length)
      throw new GateError(
        problems.length === 1
          ? problems[0]!.message
          : `${problems.length} manifests name another workspace than ${words.named('workspace-id')} ${inputId}`,
        problems,
      )
    return wanted
  }
  const ids = [...new Set(declared.map((m) => m.workspaceId!.toLowerCase()))]
  if (ids.length === 0) {
    throw new GateError(
      `no workspace to price against: set ${words.named('workspace-id')}, or \`workspace_id:\` at the top of the manifest`,
    )
  }
  if (ids.length > 1) {
    for (const m of declared)
      problems.push({
        ...located(m),
        message: `${m.file} names workspace ${m.workspaceId}, but the manifests disagree (${ids.join(', ')}): use one workspace, or run ${words.tool} once per workspace`,
      })
    throw new GateError(
      `the manifests name ${ids.length} different workspaces (${ids.join(', ')}): use one, or set ${words.setting('workspace-id')}`,
      problems,
    )
  }
  return ids[0]!
}

/**
 * On pull_request_target the manifest comes from the pull request, maybe a stranger's fork: it must
 * not choose the Layer workspace the repository's token is used on (that workspace's balance would be
 * posted on the pull request). The workspace comes from the `workspace-id` input, else from the
 * manifests at the base commit, which the repository already accepted; the head must agree with it.
 */
export function trustedWorkspace(input: string | undefined, head: Manifest[], base: Manifest[] | undefined): string {
  if (input) return input
  const ids = [...new Set((base ?? []).flatMap((m) => (m.workspaceId ? [m.workspaceId.toLowerCase()] : [])))]
  const [trusted, ...others] = ids
  if (trusted === undefined || others.length > 0) {
    const why =
      base === undefined
        ? 'the base commit was not read'
        : ids.length === 0
          ? "the base commit's manifests name none"
          : "the base commit's manifests name several"
    throw new GateError(
      `on pull_request_target the Layer workspace must not come from the pull request's own manifest, and ${why}: set the \`workspace-id\` input`,
    )
  }
  const problems: Problem[] = head
    .filter((m) => m.workspaceId !== undefined && m.workspaceId.toLowerCase() !== trusted)
    .map((m) => ({
      file: m.file,
      line: m.workspaceIdPosition?.line ?? 1,
      col: m.workspaceIdPosition?.col ?? 1,
      title: 'Workspace changed',
      path: 'workspace_id',
      message: `workspace_id ${m.workspaceId} in ${m.file} differs from ${trusted} at the base commit: a pull request cannot move the gate to another workspace; to change it, set the \`workspace-id\` input in the workflow`,
    }))
  if (problems.length > 0) {
    const message =
      problems.length === 1
        ? problems[0]!.message
        : `${problems.length} manifests of the pull request name another workspace than ${trusted} at the base commit: set the \`workspace-id\` input to change it`
    throw new GateError(message, problems)
  }
  return trusted
}
