/**
 * The one owner of redaction. The runner masks the tokens in the log (`core.setSecret`), but not
 * what the gate writes itself: comments, job summaries and reports. A redactor is built once from
 * every secret the run knows and passed to whoever writes such text.
 */

/** Cuts every known secret out of a text. */
export type Redactor = (text: string) => string

/** A redactor for `secrets` (empty ones are ignored). */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const known = secrets.filter((s): s is string => typeof s === 'string' && s !== '')
  return (text) => redactSecrets(text, known)
}

/**
 * `text` with every secret cut out (also URL-encoded, as in a quoted link). Secrets shorter than
 * 4 characters are left alone: cutting them would cut ordinary text.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***')
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret && encoded.length >= 4) out = out.split(encoded).join('***')
  }
  return out
}
