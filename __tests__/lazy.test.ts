import { describe, expect, it } from '@jest/globals'
import { GateError } from '../src/errors.js'
import { lazily } from '../src/lazy.js'

describe('lazily', () => {
  it('loads the part once, on the first call, and hands every caller the same value', async () => {
    let loads = 0
    const part = lazily('the part', async () => ({ id: ++loads }))
    expect(loads).toBe(0)
    const [a, b] = await Promise.all([part(), part()])
    expect(a).toBe(b)
    expect(await part()).toEqual({ id: 1 })
    expect(loads).toBe(1)
  })

  it('fails closed with a GateError that names the part and the fix, and tries again on the next call', async () => {
    let loads = 0
    const part = lazily('the glob matcher', async () => {
      if (++loads === 1) throw new Error("Cannot find module './662.index.js'")
      return 'loaded'
    })
    const failure = await part().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(GateError)
    expect((failure as GateError).message).toBe(
      "the glob matcher could not be loaded (Cannot find module './662.index.js'): a chunk of the bundle (dist/) is missing; use a released tag of the action, or rebuild dist/ with `npm run package`",
    )
    expect(await part()).toBe('loaded')
    expect(loads).toBe(2)
  })

  it('prefetches without an unhandled rejection, and reports the failure at the next call', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      let loads = 0
      const part = lazily('the renderer', () => {
        loads++
        return Promise.reject(new Error('gone'))
      })
      part.prefetch()
      expect(loads).toBe(1)
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(unhandled).toEqual([])
      await expect(part()).rejects.toThrow('the renderer could not be loaded (gone)')
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('starts the load at prefetch, so the first call finds it under way', async () => {
    let loads = 0
    const part = lazily('the renderer', async () => ++loads)
    part.prefetch()
    expect(loads).toBe(1)
    expect(await part()).toBe(1)
    expect(loads).toBe(1)
  })
})
