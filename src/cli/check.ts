/**
 * `--check`: what can be known about the manifests without Layer. Every manifest valid, the
 * manifests and `--workspace-id` agreeing on one workspace, and the plan within `--max-requests`;
 * no token is read and no request is sent (an editor or a pre-commit hook runs it offline).
 */
import { assertWithinRequestLimit, buildPlan } from '../pricing/plan.js'
import { resolveWorkspace } from '../workspace.js'
import type { Manifest } from '../types.js'
import { CLI_WORDS } from '../vocabulary.js'

/** What a valid check found. */
export interface CheckResult {
  files: string[]
  generations: number
  /** Distinct estimate requests a priced run would send. */
  requests: number
  /** The workspace the run would price against; undefined when neither the manifests nor the flag name one. */
  workspaceId?: string
}

/** The JSON document `--check --format json` prints for valid manifests (an invalid one gets the stop report). */
export interface JsonCheckReport {
  version: 1
  status: 'valid'
  workspace_id: string | null
  manifests: string[]
  generations: number
  requests: number
  problems: []
}

/**
 * Checks what a priced run would refuse before sending anything; throws the same GateError it
 * would (a workspace mismatch, too many requests). Pure.
 */
export function checkManifests(manifests: Manifest[], workspaceId: string | undefined, maxRequests: number): CheckResult {
  // No workspace anywhere is not an error here: the action may get it from its `workspace-id` input.
  const named = workspaceId !== undefined || manifests.some((manifest) => manifest.workspaceId !== undefined)
  const workspace = named ? resolveWorkspace(workspaceId, manifests, CLI_WORDS) : undefined
  const generations = manifests.flatMap((manifest) => manifest.generations)
  const plan = buildPlan(workspace ?? '', generations)
  assertWithinRequestLimit(plan, maxRequests, CLI_WORDS)
  return {
    files: manifests.map((manifest) => manifest.file),
    generations: generations.length,
    requests: plan.requests.length,
    ...(workspace !== undefined ? { workspaceId: workspace } : {}),
  }
}

/** The one line a valid check prints. */
export function checkLine(result: CheckResult): string {
  const files = result.files.length === 1 ? result.files[0]! : `${result.files.length} manifests`
  const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`
  const workspace = result.workspaceId === undefined ? '; no workspace named yet (give --workspace-id when pricing)' : ''
  return `✅ ${files} valid: ${count(result.generations, 'generation')}, ${count(result.requests, 'estimate request')} to price${workspace}`
}

/** The check's JSON document. */
export function toJsonCheck(result: CheckResult): JsonCheckReport {
  return {
    version: 1,
    status: 'valid',
    workspace_id: result.workspaceId ?? null,
    manifests: result.files,
    generations: result.generations,
    requests: result.requests,
    problems: [],
  }
}
