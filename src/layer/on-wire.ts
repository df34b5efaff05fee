/**
 * When a run's first estimate request is on the wire (SPEC 10): the action starts GitHub's reads
 * then, so they overlap pricing instead of racing ahead of it. undici publishes on its documented
 * diagnostics channel right before it writes a request's headers to the socket; any other traffic
 * of the process (Octokit's fetch publishes there too) is told apart by origin and path.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'

const SEND_HEADERS = 'undici:client:sendHeaders'

/** A promise resolved by the first estimate request written to `baseUrl`, or by `settle()`. */
export interface FirstSend {
  sent: Promise<void>
  /** Resolves `sent` now (an attempt ended without being written, or the client closed); idempotent. */
  settle(): void
}

export function watchFirstSend(baseUrl: string): FirstSend {
  const { origin, pathname } = new URL(baseUrl)
  const prefix = `${pathname.replace(/\/+$/, '')}/v1/workspaces/`
  let settle = (): void => {}
  const sent = new Promise<void>((resolve) => {
    const onHeaders = (message: unknown): void => {
      const request = (message as { request?: { origin?: unknown; path?: unknown } } | undefined)?.request
      if (String(request?.origin) === origin && typeof request?.path === 'string' && request.path.startsWith(prefix)) settle()
    }
    settle = () => {
      unsubscribe(SEND_HEADERS, onHeaders)
      settle = () => {}
      resolve()
    }
    subscribe(SEND_HEADERS, onHeaders)
  })
  return { sent, settle: () => settle() }
}
