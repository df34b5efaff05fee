import { describe, expect, it } from '@jest/globals'
import { parseCommandLine, requestedFormat, UsageError, USAGE } from '../../src/cli/args.js'

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`)
}

describe('the command line', () => {
  it('parses the flags, the manifests and the CLI’s own switches', () => {
    const command = parseCommandLine(['a.yml', '--max-total', '5', '--base', 'main', "'b/*.yml'", '--format=markdown'])
    expect(command).toEqual({
      inputs: { 'max-total': '5' },
      manifests: ['a.yml', "'b/*.yml'"],
      format: 'markdown',
      check: false,
      base: 'main',
      help: false,
      version: false,
    })
    expect(parseCommandLine(['--json']).format).toBe('json')
    expect(parseCommandLine(['--format', 'json', '--json']).format).toBe('json')
    expect(parseCommandLine([]).format).toBe('table')
    expect(parseCommandLine(['--check']).check).toBe(true)
    expect(parseCommandLine(['--max-total=-5']).inputs).toEqual({ 'max-total': '-5' })
    expect(parseCommandLine(['--', '--odd-name.yml']).manifests).toEqual(['--odd-name.yml'])
  })

  it('suggests the flag meant: a prefix, or the nearest by edit distance', () => {
    expect(usageError(['--min-remaining', '2450'])).toBe(
      "unknown option '--min-remaining': did you mean --min-remaining-balance? (see --help)",
    )
    expect(usageError(['--workspace', 'x'])).toBe("unknown option '--workspace': did you mean --workspace-id? (see --help)")
    expect(usageError(['--max-totl', '1'])).toBe("unknown option '--max-totl': did you mean --max-total? (see --help)")
    expect(usageError(['--jsno'])).toBe("unknown option '--jsno': did you mean --json? (see --help)")
    expect(usageError(['--frobnicate'])).toBe("unknown option '--frobnicate' (see --help)")
    // An ambiguous prefix names none rather than guessing.
    expect(usageError(['--max'])).toBe("unknown option '--max' (see --help)")
  })

  it('hints at = for a negative number, and says a missing value in one line', () => {
    expect(usageError(['--max-total', '-5'])).toBe(
      "--max-total -5: a value that starts with '-' is taken for an option; write --max-total=-5",
    )
    expect(usageError(['--min-remaining-balance', '-0.5'])).toContain('write --min-remaining-balance=-0.5')
    expect(usageError(['--concurrency'])).toBe('--concurrency needs a value: see --help')
    expect(usageError(['--concurrency', '--json'])).toBe('--concurrency needs a value, but --json follows it: see --help')
    expect(usageError(['--check=yes'])).toBe('--check takes no value: write --check alone (see --help)')
  })

  it('refuses a format it does not print, and contradicting ones', () => {
    expect(usageError(['--format', 'yaml'])).toBe('--format must be table, json or markdown, got "yaml" (see --help)')
    expect(usageError(['--format', 'jsn'])).toBe(
      '--format must be table, json or markdown, got "jsn": did you mean --format json? (see --help)',
    )
    expect(usageError(['--format', 'table', '--json'])).toContain('contradicts --format table')
    expect(usageError(['--check', '--format', 'markdown'])).toContain('no comment to print')
    expect(usageError(['--base', ' '])).toBe('--base needs a git ref such as main or HEAD~1: see --help')
  })

  it('keeps a control character of argv out of the message', () => {
    expect(usageError(['--a\u001b[2Jb'])).toBe("unknown option '--a?[2Jb' (see --help)")
  })

  it('finds the format asked for in a command line that does not parse', () => {
    expect(requestedFormat(['--nope', '--json'])).toBe('json')
    expect(requestedFormat(['--nope', '--format', 'markdown'])).toBe('markdown')
    expect(requestedFormat(['--format=yaml'])).toBe('table')
    expect(requestedFormat(['--', '--json'])).toBe('table')
  })

  it('documents every flag it parses', () => {
    for (const flag of ['--check', '--base', '--format', '--json', '--max-wait-seconds', '--help', '--version'])
      expect(USAGE).toContain(flag)
  })
})
