/** Small wordings every rendering shares: counts with their noun, signed deltas, shares, model names. */
import { formatCount, formatGrouped } from '../money.js'
import type { Micro } from '../money.js'
import type { Report } from '../types.js'

/** Shown where a figure does not apply. */
export const DASH = '—'

/** "1 generation", "1,200 generations". */
export function counted(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`
}

/** A delta with its sign: "+120", "-3.5", "0". */
export function signed(micro: Micro): string {
  return micro > 0 ? `+${formatGrouped(micro)}` : formatGrouped(micro)
}

/** A share of the total as "12.5%" ("<0.1%" when tiny but not zero). */
export function shareText(total: Micro, grand: Micro | undefined): string {
  if (grand === undefined || grand <= 0) return DASH
  const percent = (total / grand) * 100
  if (total > 0 && percent < 0.05) return '<0.1%'
  return `${percent.toFixed(1)}%`
}

/** Head generations that could not be priced. */
export function unpricedCount(report: Report): number {
  return report.lines.filter((line) => line.change !== 'removed' && line.total === undefined).length
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A model as a reader knows it: its alias, or a UUID shortened to its first 8 digits ("3c90c3cc…"). */
export function modelName(label: string): string {
  return UUID.test(label) ? `${label.slice(0, 8)}…` : label
}
