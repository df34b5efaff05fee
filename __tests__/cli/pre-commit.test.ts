/** The `.pre-commit-hooks.yaml` at the root: the hook pre-commit installs runs the package's bin with --check. */
import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../helpers/run-action.js'

describe('.pre-commit-hooks.yaml', () => {
  it('is a list of hooks with the fields pre-commit requires, running --check on the manifests', async () => {
    const hooks = parse(await readFile(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[]
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(hooks).toHaveLength(1)
    const [hook] = hooks
    for (const key of ['id', 'name', 'entry', 'language']) expect(typeof hook![key]).toBe('string')
    expect(hook).toMatchObject({ id: 'layer-budget-gate', language: 'node', entry: 'layer-budget-gate --check', require_serial: true })
    // The entry is the package's bin, which pre-commit's node environment puts on PATH.
    expect(Object.keys(pkg.bin)).toContain(String(hook!.entry).split(' ')[0])
    // pre-commit matches `files` as a Python regex on repository paths; this one is also a JavaScript one.
    const files = new RegExp(String(hook!.files))
    for (const path of ['.layer/generations.yml', 'game/.layer/props.yaml', '.layer/a/b.yml']) expect(files.test(path)).toBe(true)
    for (const path of ['generations.yml', 'src/.layer.yml', '.layer/notes.md', 'layer/x.yml']) expect(files.test(path)).toBe(false)
  })
})
