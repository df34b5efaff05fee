/**
 * End to end: the BUILT bundles are ASCII only (scripts/ascii.ts, the last step of `npm run
 * package`), so Node reads each as one-byte text; the rewriting kept the sources' own non-ASCII
 * text (a message with "≥" still says "≥"), and every bundle keeps its source map.
 */
import { describe, expect, it } from '@jest/globals'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { ROOT } from '../helpers/run-action.js'
import { toAscii } from '../../scripts/ascii.js'

const DIRS = [join(ROOT, 'dist'), join(ROOT, 'dist', 'cli')]

async function bundles(): Promise<string[]> {
  const files: string[] = []
  for (const dir of DIRS) for (const name of await readdir(dir)) if (name.endsWith('.js')) files.push(join(dir, name))
  return files
}

describe('dist/', () => {
  it('holds only ASCII bundles, with the escapes the step writes', async () => {
    const files = await bundles()
    expect(files.length).toBeGreaterThan(2)
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      expect([file, !/[\u0080-\uffff]/.test(text)]).toEqual([file, true])
      // Rewriting again changes nothing: the step is idempotent.
      expect(toAscii(text, file).shifts).toEqual([])
    }
    const action = await readFile(join(ROOT, 'dist', 'index.js'), 'utf8')
    // A message of src/budget.ts or src/config.ts that holds "≥", as an escape that means "≥".
    const escaped = /"[^"]*\\u2265[^"]*"|`[^`$]*\\u2265[^`$]*`/.exec(action)?.[0]
    expect(escaped).toBeDefined()
    expect(runInNewContext(escaped!)).toContain('≥')
  })

  it('keeps a well-formed source map beside every bundle (its columns are shifted by shiftMappings, tested on its own)', async () => {
    for (const file of await bundles()) {
      const map = JSON.parse(await readFile(`${file}.map`, 'utf8')) as { mappings: string; sources: string[] }
      expect(map.sources.length).toBeGreaterThan(0)
      expect(map.mappings).toMatch(/^[A-Za-z0-9+/,;]*$/)
    }
  })
})
