/**
 * Manifest values with the place they were written. Both readers end in `PlacedData` (plain data
 * plus the offset of every mapping and value), which the builder (manifest/build.ts) turns into a
 * Manifest; the full reader first builds a `Located` tree, which problem wording walks to place a
 * schema issue on its key or value. Offsets become a line and column only when a message needs one.
 */

/** One step of a path in the manifest: a key or a list index. */
export type Segment = string | number

/** A value as plain data: what the schema validates and what goes into request bodies. */
export type PlainValue = string | number | boolean | null | PlainValue[] | PlainMap

/** A mapping as a plain object, keys in the order written (`__proto__`, when present, an own key). */
export type PlainMap = { [key: string]: PlainValue }

/**
 * Where a mapping and its values were written, as offsets in the text: `at` is the mapping's first
 * key, `valueAts` the offset of each value in the order of `Object.keys`.
 */
export interface MapPlaces {
  at: number
  valueAts: number[]
}

/** What a reader hands the builder: the root mapping and the places of every mapping in it. */
export interface PlacedData {
  root: PlainMap
  places: Map<PlainMap, MapPlaces>
  /** Offsets of scalars under a tag that is not allowed (already reported): never used as a name or model. */
  taintedAt?: ReadonlySet<number>
}

/** A YAML value with its offset (`at`; `keyAt` for a key), as the full reader walks it. */
export type Located =
  | { kind: 'scalar'; at: number; value: string | number | boolean | null; tainted?: boolean }
  | { kind: 'map'; at: number; entries: Map<string, { keyAt: number; node: Located }>; tainted?: boolean }
  | { kind: 'seq'; at: number; items: Located[]; tainted?: boolean }

export type LocatedMap = Extract<Located, { kind: 'map' }>

/** Plain data for the schema. Keys are defined, not assigned, so `__proto__` stays a key. */
export function toPlain(node: Located): PlainValue {
  if (node.kind === 'scalar') return node.value
  if (node.kind === 'seq') return node.items.map(toPlain)
  const object: PlainMap = {}
  for (const [key, { node: value }] of node.entries) defineKey(object, key, toPlain(value))
  return object
}

/** The full reader's tree as the builder's input: the same plain data as `toPlain`, with the places. */
export function toPlaced(root: LocatedMap): PlacedData {
  const places = new Map<PlainMap, MapPlaces>()
  const taintedAt = new Set<number>()
  const convert = (node: Located): PlainValue => {
    if (node.kind === 'scalar') {
      if (node.tainted) taintedAt.add(node.at)
      return node.value
    }
    if (node.kind === 'seq') return node.items.map(convert)
    const object: PlainMap = {}
    for (const [key, { node: value }] of node.entries) defineKey(object, key, convert(value))
    // Keys that are array indexes come first in `Object.keys`, whatever order they were written in.
    places.set(object, { at: node.at, valueAts: Object.keys(object).map((key) => node.entries.get(key)!.node.at) })
    return object
  }
  return { root: convert(root) as PlainMap, places, taintedAt }
}

function defineKey(object: PlainMap, key: string, value: PlainValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
}

/** A fresh copy of plain data (defining keys, so a `__proto__` key stays a key). */
export function copyPlain(value: PlainValue): PlainValue {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(copyPlain)
  const copy: PlainMap = {}
  for (const key of Object.keys(value)) defineKey(copy, key, copyPlain(value[key]!))
  return copy
}

/** A mapping of plain data (not a list, not a scalar). */
export function isPlainMap(value: PlainValue | undefined): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The nodes from the root down `path` (shorter than path + 1 when the path leaves the tree). */
export function nodesAlong(root: Located, path: readonly Segment[]): Located[] {
  const trail = [root]
  let current: Located = root
  for (const segment of path) {
    let next: Located | undefined
    if (current.kind === 'map' && typeof segment === 'string') next = current.entries.get(segment)?.node
    else if (current.kind === 'seq' && typeof segment === 'number') next = current.items[segment]
    if (next === undefined) break
    trail.push(next)
    current = next
  }
  return trail
}
