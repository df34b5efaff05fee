import { GateError } from '../errors.js'
import type { Generation, Plan, PlannedRequest } from '../types.js'

/**
 * The canonical JSON of a request body: object keys sorted at every depth, arrays in order,
 * `undefined` members dropped (as JSON.stringify does), so bodies that differ only in key order
 * get the same key and share one estimate request.
 */
export function canonicalKey(body: unknown): string {
  return canonicalJson(body) ?? 'null'
}

function canonicalJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify gives undefined for undefined/functions/symbols; the caller drops them.
    return JSON.stringify(value) as string | undefined
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item) ?? 'null').join(',')}]`
  }
  const record = value as Record<string, unknown>
  const members: string[] = []
  // Default sort compares UTF-16 code units: stable across locales and Node versions.
  for (const key of Object.keys(record).sort()) {
    const json = canonicalJson(record[key])
    if (json !== undefined) members.push(`${JSON.stringify(key)}:${json}`)
  }
  return `{${members.join(',')}}`
}

/**
 * The plan of a run: one request per distinct canonical body across head and base, so a base
 * generation that did not change costs no extra request. `generations` is head then base.
 */
export function buildPlan(workspaceId: string, head: Generation[], base: Generation[] = []): Plan {
  const generations = [...head, ...base]
  const requests: PlannedRequest[] = []
  const byKey = new Map<string, PlannedRequest>()
  generations.forEach((generation, index) => {
    const key = canonicalKey(generation.body)
    const existing = byKey.get(key)
    if (existing) {
      existing.generations.push(index)
      return
    }
    const request: PlannedRequest = { key, body: generation.body, generations: [index] }
    byKey.set(key, request)
    requests.push(request)
  })
  return { workspaceId, generations, headCount: head.length, requests }
}

/** Refuses a plan with more distinct requests (head and base) than `max-requests`, before any is sent. */
export function assertWithinRequestLimit(plan: Plan, maxRequests: number): void {
  const needed = plan.requests.length
  if (needed <= maxRequests) return
  throw new GateError(
    `the manifests need ${groupDigits(needed)} distinct estimate requests, more than max-requests ` +
      `(${maxRequests}): raise \`max-requests\` or remove generations`,
  )
}

/** For each generation of the plan, the index of the request that prices it. */
export function requestIndexByGeneration(plan: Plan): number[] {
  const index = new Array<number>(plan.generations.length).fill(-1)
  plan.requests.forEach((request, r) => {
    for (const g of request.generations) index[g] = r
  })
  return index
}

function groupDigits(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
