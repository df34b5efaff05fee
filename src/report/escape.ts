/**
 * Text from a manifest or from Layer made inert for GitHub's Markdown: no tag, no link, no mention,
 * no issue reference, no table cell split, no bidi trick; and a URL made safe as a link destination.
 */
import { shorten } from './fit.js'
import type { ReportLinks } from '../types.js'

/** Longest sentence (failure, note) shown, in characters, before escaping. */
const MAX_SENTENCE = 500

// Every character that could start Markdown or HTML becomes a numeric reference: it works the same
// in table cells, list items and inside HTML blocks (<details>), where backslash escapes do not.
// `|` must not stay literal anywhere in a cell: GFM splits cells on it before any inline parsing.
// The backtick is the exception: GitHub's job summary shows `&#96;` as written, so it gets a
// backslash escape, which opens no code span either (manifest text is never inside a code span or
// an HTML block here; in the one HTML line, <summary>, only the gate's own caption is written).
const REFERENCES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '\\`',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  $: '&#36;',
  // GitHub links @user and #123 in the rendered text, after references are decoded: a zero-width
  // space after the sign breaks the pattern, so nobody is pinged and no issue is cross-referenced.
  '@': '@&#8203;',
  '#': '&#35;&#8203;',
}
const SPECIAL = /[&<>"|\\`*_[\]~$@#]/g
// GitHub also links "GH-123" (any case) to issue 123: a zero-width space after the hyphen breaks it.
const GH_REFERENCE = /\b(gh-)(?=\d)/gi
// GitHub links bare URLs ("https://…", "www.…") and turns one to an issue into a cross-reference:
// a zero-width space before the "://" or the "." breaks the link and leaves the text readable.
const AUTOLINK = /\b(https?|ftp|www)(?=:\/\/|\.)/gi
// Control characters (newlines included) would end a table row; bidi overrides can make the
// rendered text lie about what it says ("trojan source").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * Manifest (or Layer) text as inert Markdown for one line: newlines collapsed, cut to `max`
 * characters, every Markdown/HTML special as a character reference, mentions and issue
 * references neutralised.
 */
export function escapeText(text: string, max = MAX_SENTENCE): string {
  // Cut first (generously: collapsing whitespace only shortens), so a 10,000-character name
  // costs no more than a short one, however often the comment is re-rendered to fit.
  const bound = max * 4 + 16
  const cutEarly = text.length > bound
  const flat = (cutEarly ? text.slice(0, bound) : text).replace(CONTROL, ' ').replace(BIDI, '').replace(/\s+/g, ' ').trim()
  return shorten(flat, max, cutEarly)
    .replace(SPECIAL, (c) => REFERENCES[c] ?? c)
    .replace(GH_REFERENCE, '$1&#8203;')
    .replace(AUTOLINK, '$1&#8203;')
}

/** `escapeText` for the start of a list item: a leading "-", "+" or "1." must not open a nested list. */
export function escapeItem(text: string): string {
  return escapeText(text)
    .replace(/^([-+=])/, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/^(\d+)([.)])/, '$1\\$2')
}

/** The run URL for a Markdown link, or undefined unless it is a plain http(s) URL. */
export function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:\/\/[^\s]+$/.test(url)) return undefined
  // A ")" or "<" would end or break the link destination: percent-encode them.
  return url.replace(/[()<>"'`|\\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/**
 * The link to a generation's line on GitHub, `{server}/{owner}/{repo}/blob/{sha}/{file}#L{line}`,
 * at the pull request's head or base commit; undefined without links or with a server or commit
 * that is not one. Every path segment is percent-encoded, so a file named `a b#1?.yml` still links.
 */
export function blobUrl(links: ReportLinks | undefined, at: 'head' | 'base', file: string, line: number): string | undefined {
  if (links === undefined) return undefined
  const server = safeUrl(links.serverUrl)
  const sha = at === 'head' ? links.headSha : links.baseSha
  if (server === undefined || !/^[0-9a-f]{7,64}$/i.test(sha) || !Number.isSafeInteger(line) || line < 1) return undefined
  // GitHub's own names are [A-Za-z0-9._-]: anything else is not a repository this run is on.
  if (![links.owner, links.repo].every((name) => /^[A-Za-z0-9._-]+$/.test(name))) return undefined
  const path = file.split('/').map(encodeSegment).join('/')
  return `${server.replace(/\/+$/, '')}/${links.owner}/${links.repo}/blob/${sha}/${path}#L${line}`
}

/** One URL path segment percent-encoded, including the characters encodeURIComponent leaves (`!'()*`), which Markdown could read. */
function encodeSegment(segment: string): string {
  // encodeURIComponent throws on a lone surrogate, which a manifest's file name may hold.
  const wellFormed = segment.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
  return encodeURIComponent(wellFormed).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
