import { describe, expect, it } from '@jest/globals'
import { keepWebAssemblyOnBaseline, wantsLiftoffOnly, type V8Flags } from '../src/liftoff.js'

describe('wantsLiftoffOnly', () => {
  it('is true before Node 22 only', () => {
    expect(['18.20.0', '20.0.0', '20.19.5', '21.7.3'].map(wantsLiftoffOnly)).toEqual([true, true, true, true])
    expect(['22.0.0', '22.12.0', '24.9.0', '25.1.0'].map(wantsLiftoffOnly)).toEqual([false, false, false, false])
  })
})

describe('keepWebAssemblyOnBaseline', () => {
  /** A stand-in for getBuiltinModule that records what was loaded and which flags were set. */
  function recorder() {
    const loaded: string[] = []
    const flags: string[] = []
    const builtin = (id: 'node:v8'): V8Flags => {
      loaded.push(id)
      return { setFlagsFromString: (flag: string) => void flags.push(flag) }
    }
    return { loaded, flags, builtin }
  }

  it('sets --liftoff-only through node:v8 on Node 20', () => {
    const { loaded, flags, builtin } = recorder()
    keepWebAssemblyOnBaseline('20.19.0', builtin)
    expect(loaded).toEqual(['node:v8'])
    expect(flags).toEqual(['--liftoff-only'])
  })

  it('does not even load node:v8 on Node 24', () => {
    const { loaded, flags, builtin } = recorder()
    keepWebAssemblyOnBaseline('24.9.0', builtin)
    expect(loaded).toEqual([])
    expect(flags).toEqual([])
  })

  it('runs without the flag where Node has no getBuiltinModule (Node 20 before 20.16)', () => {
    expect(() => keepWebAssemblyOnBaseline('20.10.0', undefined)).not.toThrow()
  })

  it('finds getBuiltinModule on the Node running the tests', () => {
    expect(typeof process.getBuiltinModule).toBe('function')
    expect(() => keepWebAssemblyOnBaseline()).not.toThrow()
  })
})
