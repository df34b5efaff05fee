/**
 * Creative Units as exact integers of thousandths ("milli-CU"), so sums never drift:
 * 0.1 + 0.2 is 300 milli-CU, printed "0.3". Safe up to 2^53 milli-CU (9 trillion CU).
 */

/** Milli-CU: an integer number of thousandths of a Creative Unit. */
export type Milli = number

/** A CU amount from Layer (a JSON number) to milli-CU, rounded half away from zero to 0.001. */
export function toMilli(cu: number): Milli {
  if (!Number.isFinite(cu)) throw new RangeError(`not a finite number: ${cu}`)
  // Go through the decimal text so 1.0005 (stored as 1.000499999…) still rounds up as written.
  const [mantissa, exp = '0'] = String(Math.abs(cu)).split('e')
  const [int = '0', frac = ''] = (mantissa ?? '0').split('.')
  const shift = Number(exp) + 3
  let digits = int + frac
  let point = int.length + shift
  if (point < 0) {
    digits = '0'.repeat(-point) + digits
    point = 0
  }
  digits = digits.padEnd(point + 1, '0')
  const whole = Number(digits.slice(0, point) || '0')
  const roundUp = Number(digits[point]) >= 5 ? 1 : 0
  const milli = whole + roundUp
  return cu < 0 && milli !== 0 ? -milli : milli
}

/** Milli-CU as a plain decimal for outputs and JSON: no separators, at most 3 decimals ("108.25", "-3", "0"). */
export function formatPlain(milli: Milli): string {
  const sign = milli < 0 ? '-' : ''
  const abs = Math.abs(milli)
  const int = Math.floor(abs / 1000)
  const frac = String(abs % 1000).padStart(3, '0').replace(/0+$/, '')
  return `${sign}${int}${frac ? `.${frac}` : ''}`
}

/** Milli-CU for people: thousands separators, at most 3 decimals ("1,234.5"). */
export function formatGrouped(milli: Milli): string {
  const plain = formatPlain(milli)
  const [int = '0', frac] = plain.replace('-', '').split('.')
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${milli < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`
}

/** Milli-CU as a JSON number for the report (exact to 0.001 as decimal text). */
export function toCU(milli: Milli): number {
  return Number(formatPlain(milli))
}
