/** The one place the action and the CLI build their Layer client from a validated Config. */
import type { Config } from '../config.js'
import type { Redactor } from '../secrets.js'
import type { Vocabulary } from '../vocabulary.js'
import { USER_AGENT } from '../version.js'
import { LayerClient, type RetryInfo } from './client.js'
import type { PauseInfo } from './pace.js'

/** What the caller adds to the Config: its redactor, how it logs a retry, and (tests) another User-Agent. */
export interface LayerClientHooks {
  /** Built once from every secret the run knows (secrets.ts); Layer's quoted text goes through it. */
  redact: Redactor
  onRetry?: (info: RetryInfo) => void
  /** Told once when Layer's rate limit pauses every request: when and why the run waits. */
  onPause?: (info: PauseInfo) => void
  /** Default: layer-budget-gate/<version>. */
  userAgent?: string
  /** The audience's words in Layer's failure messages (the CLI passes its own). */
  words?: Vocabulary
}

/** A LayerClient for `config`: its api-url, token, timeout, retries, rate-limit wait, and one socket per request in flight. */
export function createLayerClient(config: Config, hooks: LayerClientHooks): LayerClient {
  return new LayerClient({
    apiUrl: config.apiUrl,
    token: config.layerToken,
    timeoutMs: config.requestTimeoutMs,
    maxRetries: config.maxRetries,
    connections: config.concurrency,
    userAgent: hooks.userAgent ?? USER_AGENT,
    redact: hooks.redact,
    onRetry: hooks.onRetry,
    maxWaitMs: config.maxWaitMs,
    onPause: hooks.onPause,
    ...(hooks.words !== undefined ? { words: hooks.words } : {}),
  })
}
