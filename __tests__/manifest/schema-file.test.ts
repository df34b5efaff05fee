import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { REQUEST_FIELDS } from '../../src/manifest/schema.js'
import { SCHEMA_FILE, SCHEMA_ID, renderManifestJsonSchema } from '../../scripts/schema.js'

interface JsonSchema {
  $schema?: string
  $id?: string
  title?: string
  description?: string
  required?: string[]
  additionalProperties?: boolean
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
}

const committed = readFileSync(fileURLToPath(new URL(`../../${SCHEMA_FILE}`, import.meta.url)), 'utf8')

describe(SCHEMA_FILE, () => {
  it('is up to date with the zod schema (run `npx tsx scripts/schema.ts`)', () => {
    expect(committed).toBe(renderManifestJsonSchema())
  })

  it('is deterministic 2-space JSON with a trailing newline', () => {
    const text = renderManifestJsonSchema()
    expect(renderManifestJsonSchema()).toBe(text)
    expect(text.endsWith('}\n')).toBe(true)
    expect(JSON.stringify(JSON.parse(text), null, 2) + '\n').toBe(text)
  })

  it('identifies itself and describes every field for editors', () => {
    const schema = JSON.parse(committed) as JsonSchema
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.$id).toBe(SCHEMA_ID)
    expect(schema.title).toBe('Layer Budget Gate manifest (version 1)')
    expect(schema.required).toEqual(['version', 'generations'])
    expect(schema.additionalProperties).toBe(false)
    const generation = schema.properties?.generations?.items
    expect(generation?.required).toEqual(['name'])
    expect(generation?.additionalProperties).toBe(false)
    for (const field of [...REQUEST_FIELDS, 'name', 'runs', 'group', 'description']) {
      expect([field, typeof generation?.properties?.[field]?.description]).toEqual([field, 'string'])
    }
    expect(generation?.properties?.width?.description).toBe('Output width in pixels.')
    expect(Object.keys(schema.properties?.defaults?.properties ?? {})).toEqual(REQUEST_FIELDS)
  })
})
