/**
 * Writes schema/generations.schema.json, the manifest's JSON Schema for editors
 * (`# yaml-language-server: $schema=…`), from the zod schema the action validates with.
 * Run: `npx tsx scripts/schema.ts`. A test fails when the committed file is out of date.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { z } from 'zod'
import { documentedManifestSchema } from '../src/manifest/schema.js'

/**
 * The schema's identifier. A URN rather than a URL: it names the format (manifest version 1)
 * without claiming a download location; editors find the file through the `$schema` comment.
 */
export const SCHEMA_ID = 'urn:layer-budget-gate:manifest:1'

/** Where the schema is committed, relative to the repository root. */
export const SCHEMA_FILE = 'schema/generations.schema.json'

/** The JSON Schema text: 2-space JSON with a trailing newline, the same bytes on every run. */
export function renderManifestJsonSchema(): string {
  // io: 'input' describes what a person writes: `runs` is optional there (zod fills in 1).
  const generated = z.toJSONSchema(documentedManifestSchema(), { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
  const { $schema, ...rest } = generated
  const document = {
    $schema,
    $id: SCHEMA_ID,
    title: 'Layer Budget Gate manifest (version 1)',
    ...rest,
  }
  return `${JSON.stringify(document, null, 2)}\n`
}

async function main(): Promise<void> {
  const target = fileURLToPath(new URL(`../${SCHEMA_FILE}`, import.meta.url))
  await writeFile(target, renderManifestJsonSchema())
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`)
}

// Only when run as a script: tests import renderManifestJsonSchema() without writing anything.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`schema: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
}
