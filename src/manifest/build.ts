/**
 * The one manifest builder: placed plain data (from either reader) -> a Manifest, after the checks
 * across fields (model aliases, a model_id for every generation, unique names). Both readers feed
 * it: the fast reader's data once the schema has passed it, the full reader's whatever the schema
 * found (problems already in `problems` only stop the building, the checks still run and report).
 */
import type { EstimateRequest, Generation, Manifest } from '../types.js'
import type { Position } from '../problem.js'
import { copyPlain, isPlainMap, type MapPlaces, type PlacedData, type PlainMap, type PlainValue } from './located.js'
import { reportDuplicateName, reportMissingModel, reportUnknownModel, type FileProblems } from './problems.js'
import { MANIFEST_ONLY_KEYS, isUuid } from './schema.js'

const NO_PLACES: MapPlaces = { at: 0, valueAts: [] }

/**
 * The manifest in `data`, or `undefined` when `problems` holds any problem (those found here are
 * added to it). The schema's verdict on `data` must already be in `problems`.
 */
export function buildManifest({ root, places, taintedAt }: PlacedData, problems: FileProblems): Manifest | undefined {
  const placesOf = (map: PlainMap): MapPlaces => places.get(map) ?? NO_PLACES
  const isTainted = (at: number): boolean => taintedAt !== undefined && taintedAt.has(at)
  const valueAt = (map: PlainMap, key: string): number => placesOf(map).valueAts[Object.keys(map).indexOf(key)] ?? placesOf(map).at

  // Aliases whose name and UUID are both valid; a known name with an invalid UUID maps to '' (the
  // schema reported it: it must not be called unknown too).
  const aliases = new Map<string, string>()
  if (isPlainMap(root.models)) {
    for (const [name, uuid] of Object.entries(root.models))
      aliases.set(name, typeof uuid === 'string' && isUuid(uuid) ? uuid.toLowerCase() : '')
  }
  const resolveModel = (value: PlainValue | undefined, at: number): string | undefined => {
    if (typeof value !== 'string' || isTainted(at)) return undefined
    return isUuid(value) ? value.toLowerCase() : aliases.get(value) || undefined
  }
  /** A non-UUID string that is not a known alias (other shapes are the schema's to report). */
  const isUnknownAlias = (value: PlainValue | undefined, at: number): value is string =>
    typeof value === 'string' && !isTainted(at) && value !== '' && !isUuid(value) && !aliases.has(value)

  const defaults = isPlainMap(root.defaults) ? root.defaults : {}
  const defaultKeys = Object.keys(defaults)
  const defaultAts = placesOf(defaults).valueAts
  const defaultModelIndex = defaultKeys.indexOf('model_id')
  const defaultModel = defaultModelIndex >= 0 ? defaults.model_id : undefined
  const defaultModelAt = defaultAts[defaultModelIndex] ?? 0
  if (defaultModelIndex >= 0 && resolveModel(defaultModel, defaultModelAt) === undefined && isUnknownAlias(defaultModel, defaultModelAt)) {
    reportUnknownModel(problems, defaultModelAt, defaultModel, ['defaults', 'model_id'], [...aliases.keys()])
  }
  // A value from defaults is written once and sits in every generation: one Position for all of them.
  let defaultPositions: Position[] | undefined

  const names = new Map<string, number>()
  const generations: Generation[] = []
  const items = Array.isArray(root.generations) ? root.generations : []
  for (let index = 0; index < items.length; index++) {
    const item = items[index]
    if (!isPlainMap(item)) continue // the schema reported it
    const itemKeys = Object.keys(item)
    const itemPlaces = placesOf(item)
    const nameIndex = itemKeys.indexOf('name')
    const nameAt = itemPlaces.valueAts[nameIndex] ?? itemPlaces.at
    const name = typeof item.name === 'string' && !isTainted(nameAt) ? item.name : undefined
    if (name !== undefined && name.trim() !== '') {
      const first = names.get(name)
      if (first !== undefined) reportDuplicateName(problems, nameAt, name, first, ['generations', index, 'name'])
      else names.set(name, nameAt)
    }

    const ownModelIndex = itemKeys.indexOf('model_id')
    const modelAt = ownModelIndex >= 0 ? itemPlaces.valueAts[ownModelIndex]! : defaultModelAt
    const modelValue = ownModelIndex >= 0 ? item.model_id : defaultModel
    if (ownModelIndex < 0 && defaultModelIndex < 0) {
      reportMissingModel(problems, itemPlaces.at, ['generations', index])
      continue
    }
    const modelId = resolveModel(modelValue, modelAt)
    if (modelId === undefined) {
      // An unknown alias in defaults was reported once above; other shapes are the schema's.
      if (ownModelIndex >= 0 && isUnknownAlias(modelValue, modelAt)) {
        reportUnknownModel(problems, modelAt, modelValue, ['generations', index, 'model_id'], [...aliases.keys()])
      }
      continue
    }
    if (problems.any || name === undefined) continue // nothing will be returned: skip building

    defaultPositions ??= defaultKeys.map((_key, i) => problems.position(defaultAts[i]!))
    const body: EstimateRequest = { model_id: modelId }
    const fieldPositions: Record<string, Position> = {
      model_id: ownModelIndex >= 0 ? problems.position(modelAt) : defaultPositions[defaultModelIndex]!,
    }
    defaultKeys.forEach((key, i) => {
      if (key === 'model_id') return
      // Each generation gets its own copy: a consumer changing one body cannot change another.
      body[key] = copyPlain(defaults[key]!)
      fieldPositions[key] = defaultPositions![i]!
    })
    itemKeys.forEach((key, i) => {
      if (key === 'model_id' || MANIFEST_ONLY_KEYS.includes(key)) return
      body[key] = item[key]
      fieldPositions[key] = problems.position(itemPlaces.valueAts[i]!)
    })

    const { line, col } = problems.lineCol(itemPlaces.at)
    const generation: Generation = {
      name,
      file: problems.file,
      line,
      col,
      modelId,
      modelLabel: String(modelValue),
      runs: typeof item.runs === 'number' ? item.runs : 1,
      body,
      fieldPositions,
    }
    if (typeof item.group === 'string') generation.group = item.group
    if (typeof item.description === 'string') generation.description = item.description
    generations.push(generation)
  }

  if (problems.any) return undefined
  const manifest: Manifest = { file: problems.file, version: 1, generations }
  if (typeof root.workspace_id === 'string') {
    manifest.workspaceId = root.workspace_id.toLowerCase()
    manifest.workspaceIdPosition = problems.position(valueAt(root, 'workspace_id'))
  }
  return manifest
}
