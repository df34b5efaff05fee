import { GateError } from '../errors.js'
import { ACTION_WORDS, type Vocabulary } from '../vocabulary.js'
import type { Generation, Plan, PlannedRequest } from '../types.js'

/**
 * The canonical JSON of a request body: object keys sorted at every depth, arrays in order,
 * `undefined` members dropped (as JSON.stringify does), so bodies that differ only in key order
 * get the same key and share one estimate request.
 */
export function canonicalKey(body: unknown): string {
  return canonicalJson(body) ?? 'null'
}

/** JSON of the object keys seen so far: the same few field names recur in every body. */
const keyJson = new Map<string, string>()

function quotedKey(key: string): string {
  let json = keyJson.get(key)
  if (json === undefined) {
    json = JSON.stringify(key)
    if (keyJson.size < 1024) keyJson.set(key, json)
  }
  return json
}

// Built by appending to one string rather than joining arrays: this runs once per generation.
function canonicalJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify gives undefined for undefined/functions/symbols; the caller drops them.
    return JSON.stringify(value) as string | undefined
  }
  if (Array.isArray(value)) {
    let json = '['
    // A hole (never in a body read from YAML) stays empty, as Array.prototype.map and join leave it.
    for (let i = 0; i < value.length; i++) json += (i === 0 ? '' : ',') + (i in value ? (canonicalJson(value[i]) ?? 'null') : '')
    return `${json}]`
  }
  const record = value as Record<string, unknown>
  let json = '{'
  // Default sort compares UTF-16 code units: stable across locales and Node versions.
  for (const key of Object.keys(record).sort()) {
    const member = canonicalJson(record[key])
    if (member !== undefined) json += (json.length === 1 ? '' : ',') + quotedKey(key) + ':' + member
  }
  return `${json}}`
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
export function assertWithinRequestLimit(plan: Plan, maxRequests: number, words: Vocabulary = ACTION_WORDS): void {
  const needed = plan.requests.length
  if (needed <= maxRequests) return
  throw new GateError(
    `the manifests need ${groupDigits(needed)} distinct estimate requests, more than max-requests ` +
      `(${maxRequests}): raise ${words.setting('max-requests')} or remove generations`,
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
