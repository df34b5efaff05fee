/**
 * "Did you mean …?" for unknown manifest keys and model aliases: the nearest known name by edit
 * distance, after folding the usual spelling variants (case, camelCase, `-` or space for `_`).
 */

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions of
 * neighbours each cost 1, so "widht" is one edit from "width" (plain Levenshtein says two).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  // Three rolling rows are enough: a transposition looks back two rows.
  let previous2 = new Array<number>(cols).fill(0)
  let previous = Array.from({ length: cols }, (_, j) => j)
  let current = new Array<number>(cols).fill(0)
  for (let i = 1; i < rows; i++) {
    current[0] = i
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, previous2[j - 2]! + 1)
      }
      current[j] = best
    }
    ;[previous2, previous, current] = [previous, current, previous2]
  }
  return previous[cols - 1]!
}

/** "batchSize", "Batch-Size" and "batch size" all fold to "batch_size". */
function fold(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
}

/** How many edits still look like a typo rather than a different word. */
function tolerance(length: number): number {
  if (length <= 2) return 0
  if (length <= 4) return 1
  return 2
}

/**
 * The known name `input` most likely meant, or undefined when none is close. Ties go to the
 * earlier candidate, so callers list the likelier names first.
 */
export function suggestName(input: string, candidates: readonly string[]): string | undefined {
  const folded = fold(input)
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const target = fold(candidate)
    if (target === folded) return candidate
    const distance = editDistance(folded, target)
    if (distance <= tolerance(Math.min(folded.length, target.length)) && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  if (best !== undefined) return best
  // A truncated name ("guidance" for "guidance_scale"): the shortest candidate that contains it.
  if (folded.length >= 4) {
    const containing = candidates.filter((candidate) => fold(candidate).includes(folded))
    containing.sort((x, y) => x.length - y.length)
    return containing[0]
  }
  return undefined
}
