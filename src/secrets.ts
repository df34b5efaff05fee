/**
 * The one owner of redaction. The runner masks the tokens in the log (`core.setSecret`), but not
 * what the gate writes itself: comments, job summaries and reports. A redactor is built once from
 * every secret the run knows and passed to whoever writes such text.
 */

/** Cuts every known secret out of a text. */
export type Redactor = (text: string) => string

/** The shortest form worth cutting: shorter ones would cut ordinary text. */
const MIN_FORM = 4
/** A base64 run shorter than this is too likely to occur by chance in ordinary text. */
const MIN_BASE64_FORM = 8

/**
 * A redactor for `secrets` (empty ones are ignored). Each secret is cut in every form it may take
 * in what an API or a file echoes back: as it is, URL-encoded, base64 (also inside a longer base64
 * text, at each of the three byte alignments), and as the `x-access-token:TOKEN` credential the
 * checkout action writes, base64-encoded, into `.git/config`.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_FORM) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
    for (const text of [secret, `x-access-token:${secret}`]) {
      for (const form of base64Forms(Buffer.from(text, 'utf8'))) forms.add(form)
    }
  }
  // Longest first, so a form that contains another is cut whole.
  const ordered = [...forms].filter((form) => form.length >= MIN_FORM).sort((a, b) => b.length - a.length)
  return (text) => cut(text, ordered)
}

/**
 * `document` as indented JSON with every string value redacted on its own: no secret is published,
 * and a 10,000-generation report is never scanned (or copied) as one text.
 */
export function redactedJson(document: unknown, redact: Redactor): string {
  return JSON.stringify(document, (_key, value: unknown) => (typeof value === 'string' ? redact(value) : value), 2)
}

/**
 * `text` with every secret cut out (also URL-encoded, as in a quoted link). Secrets shorter than
 * 4 characters are left alone: cutting them would cut ordinary text.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms: string[] = []
  for (const secret of secrets) {
    if (secret.length >= MIN_FORM) forms.push(secret)
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret && encoded.length >= MIN_FORM) forms.push(encoded)
  }
  return cut(text, forms)
}

function cut(text: string, forms: readonly string[]): string {
  let out = text
  for (const form of forms) if (out.includes(form)) out = out.split(form).join('***')
  return out
}

/**
 * The base64 texts that stand for `bytes` wherever they sit in a longer base64 text: for each of the
 * three alignments, the characters that depend on these bytes alone (standard and URL alphabets).
 */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = []
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64')
    const first = Math.ceil((offset * 8) / 6)
    const last = Math.floor(((offset + bytes.length) * 8) / 6)
    const form = encoded.slice(first, last)
    if (form.length >= MIN_BASE64_FORM) forms.push(form, form.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return forms
}
