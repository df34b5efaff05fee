import { GateError } from './errors.js'
import type { Manifest } from './types.js'
import type { Problem } from './problem.js'

/**
 * The workspace to price against (SPEC 3.2): the `workspace-id` input, else the manifests'
 * `workspace_id`. Input and manifest that differ, or two manifests that disagree, or neither: an error.
 */
export function resolveWorkspace(inputId: string | undefined, manifests: Manifest[]): string {
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
        problems.push({ ...located(m), message: `workspace_id ${m.workspaceId} in ${m.file} differs from the \`workspace-id\` input ${inputId}: make them agree, or remove one` })
      }
    }
    if (problems.length) throw new GateError(problems.length === 1 ? problems[0]!.message : `${problems.length} manifests name another workspace than the \`workspace-id\` input ${inputId}`, problems)
    return wanted
  }
  const ids = [...new Set(declared.map((m) => m.workspaceId!.toLowerCase()))]
  if (ids.length === 0) {
    throw new GateError('no workspace to price against: set the `workspace-id` input, or `workspace_id:` at the top of the manifest')
  }
  if (ids.length > 1) {
    for (const m of declared) problems.push({ ...located(m), message: `${m.file} names workspace ${m.workspaceId}, but the manifests disagree (${ids.join(', ')}): use one workspace, or run the action once per workspace` })
    throw new GateError(`the manifests name ${ids.length} different workspaces (${ids.join(', ')}): use one, or set \`workspace-id\``, problems)
  }
  return ids[0]!
}
