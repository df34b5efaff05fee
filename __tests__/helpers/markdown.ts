/** What GitHub would show of rendered Markdown, for tests of the renderer and of its escaping. */

/** The text GitHub shows: character references decoded (the zero-width spaces stay). */
export function decoded(markdown: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' }
  return markdown.replace(/&(#\d+|[a-z]+);/g, (_, ref: string) =>
    ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : (named[ref] ?? `&${ref};`),
  )
}

/** Nobody is mentioned and no issue is referenced in the text GitHub shows. */
export function pingsNobody(markdown: string): boolean {
  return !/@\w|#\d/.test(decoded(markdown).replace(/<!-- layer-budget-gate[ :][^>]*-->/g, ''))
}
