/** What GitHub would show of rendered Markdown, for tests of the renderer and of its escaping. */

/** The text GitHub shows: backslash-escaped backticks and character references decoded (the zero-width spaces stay). */
export function decoded(markdown: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' }
  return markdown.replace(/\\`|&(#\d+|[a-z]+);/g, (_match, ref: string | undefined) =>
    ref === undefined ? '`' : ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : (named[ref] ?? `&${ref};`),
  )
}

/** A backtick that is not backslash-escaped: it could open a code span. */
export const LIVE_BACKTICK = /(^|[^\\])`/

/** Nobody is mentioned and no issue is referenced in the text GitHub shows. */
export function pingsNobody(markdown: string): boolean {
  return !/@\w|#\d/.test(decoded(markdown).replace(/<!-- layer-budget-gate[ :][^>]*-->/g, ''))
}
