/**
 * Fitting text under a size cap, whatever the cap counts (characters or UTF-8 bytes): the largest
 * rendering that fits, found by binary search, and the cuts that are the last resort. Knows nothing
 * about Markdown beyond never cutting inside a character reference.
 */

/** Cuts text to `max` code points (never inside a surrogate pair), marking a cut with "…"; `alreadyCut` forces the mark. */
export function shorten(text: string, max: number, alreadyCut = false): string {
  if (!alreadyCut && text.length <= max) return text
  const points = Array.from(text)
  if (!alreadyCut && points.length <= max) return text
  return `${points.slice(0, Math.max(0, Math.min(points.length, max - 1))).join('')}…`
}

/** The length GitHub's job-summary cap counts: UTF-8 bytes. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** An upper bound of the rows that can fit: fewer than all, and no row is shorter than 20 characters. */
export function mostRows(lines: number, maxChars: number): number {
  return Math.min(lines - 1, Math.floor(maxChars / 20))
}

/**
 * The rendering with the most rows (at most `most`) whose `size` (characters by default) is at most
 * `max`, or undefined when not even zero rows fit. Binary search: each rendering is linear, so
 * thousands of rows stay fast.
 */
export function largestFitting(
  most: number,
  max: number,
  render: (rowLimit: number) => string,
  size: (text: string) => number = (text) => text.length,
): string | undefined {
  let best: string | undefined
  let low = 0
  let high = Math.max(0, most)
  while (low <= high) {
    const middle = Math.floor((low + high) / 2)
    const text = render(middle)
    if (size(text) <= max) {
      best = text
      low = middle + 1
    } else {
      high = middle - 1
    }
  }
  return best
}

/** The last resort: the text cut to `maxChars`, never inside a surrogate pair or a character reference. */
export function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  let end = Math.max(0, maxChars)
  if (end > 0 && /[\ud800-\udbff]/.test(text.charAt(end - 1))) end -= 1
  const amp = text.lastIndexOf('&', end - 1)
  if (amp >= 0 && !text.slice(amp, end).includes(';') && end - amp < 12) end = amp
  return text.slice(0, end)
}

/** `cut` to at most `maxBytes` of UTF-8. */
export function cutBytes(text: string, maxBytes: number): string {
  let end = Math.min(text.length, maxBytes) // a UTF-16 unit is at least one byte
  let result = cut(text, end)
  while (utf8Length(result) > maxBytes && end > 0) {
    end -= Math.max(1, Math.ceil((utf8Length(result) - maxBytes) / 3))
    result = cut(text, end)
  }
  return result
}
