/**
 * Creative Units as exact integers of millionths ("micro-CU"), so sums never drift: 0.1 + 0.2 is
 * 300,000 micro-CU, printed "0.3". Layer's prices have a few decimals (0.0004 is 400 micro-CU,
 * exactly); the rare figure with more than 6 is rounded in the cautious direction (a price up, a
 * balance down), so the gate never counts a total lower, or a balance higher, than Layer said.
 * Safe up to 2^53 micro-CU (9 billion CU); past that the verdict fails closed (budget.ts).
 */

/** Micro-CU: an integer number of millionths of a Creative Unit. */
export type Micro = number

/** Decimal places kept: 6. */
export const DECIMALS = 6
/** Micro-CU in one CU. */
export const UNITS_PER_CU = 10 ** DECIMALS

/**
 * Which way a figure with more than 6 decimals goes: `up` (towards +∞) for what is spent and for a
 * reserve, `down` (towards -∞) for what is available and for a cap, `nearest` (half away from
 * zero) where neither is safer.
 */
export type Rounding = 'up' | 'down' | 'nearest'

/** A CU amount (a JSON number from Layer, or an input) to micro-CU. */
export function toMicro(cu: number, rounding: Rounding): Micro {
  if (!Number.isFinite(cu)) throw new RangeError(`not a finite number: ${cu}`)
  // Through the decimal text, so 1.0000005 (stored as 1.00000049999…) is read as written.
  const [mantissa, exp = '0'] = String(Math.abs(cu)).split('e')
  const [int = '0', frac = ''] = (mantissa ?? '0').split('.')
  const shift = Number(exp) + DECIMALS
  let digits = int + frac
  let point = int.length + shift
  if (point < 0) {
    digits = '0'.repeat(-point) + digits
    point = 0
  }
  digits = digits.padEnd(point + 1, '0')
  const whole = Number(digits.slice(0, point) || '0')
  const rest = digits.slice(point)
  const negative = cu < 0
  let away: boolean // one more unit away from zero
  if (!/[1-9]/.test(rest)) away = false
  else if (rounding === 'nearest') away = Number(rest[0]) >= 5
  else away = rounding === 'up' ? !negative : negative
  const units = whole + (away ? 1 : 0)
  return negative && units !== 0 ? -units : units
}

/** Decimals shown in outputs, reports and comments (SPEC section 5: "at most 3 decimals"). */
export const SHOWN_DECIMALS = 3
const SHOWN_STEP = 10 ** (DECIMALS - SHOWN_DECIMALS)

/**
 * Micro-CU as a plain decimal for outputs and JSON: no separators, at most 3 decimals ("108.25",
 * "-3", "0"). Figures are exact to the micro-CU and shown to 0.001, rounded `up` for what is spent
 * (a total, a price, a shortfall), `down` for what is left (a balance, a remainder): what is shown
 * never looks better than the verdict, which is taken on the exact figures.
 */
export function formatPlain(micro: Micro, rounding: Rounding = 'nearest'): string {
  // The pricing pass never lets such a figure through; printing "Infinity.NaN" or "1e+300" would be worse than stopping.
  if (!Number.isSafeInteger(micro)) throw new RangeError(`not an exact amount of micro-CU: ${micro}`)
  const shown = roundToShown(micro, rounding)
  const sign = shown < 0 ? '-' : ''
  const abs = Math.abs(shown)
  const step = 10 ** SHOWN_DECIMALS
  const int = Math.floor(abs / step)
  const frac = String(abs % step)
    .padStart(SHOWN_DECIMALS, '0')
    .replace(/0+$/, '')
  return `${sign}${int}${frac ? `.${frac}` : ''}`
}

/** Micro-CU for people: thousands separators, at most 3 decimals ("1,234.5"), rounded as formatPlain. */
export function formatGrouped(micro: Micro, rounding: Rounding = 'nearest'): string {
  const plain = formatPlain(micro, rounding)
  const [int = '0', frac] = plain.replace('-', '').split('.')
  return `${plain.startsWith('-') ? '-' : ''}${groupDigits(int)}${frac ? `.${frac}` : ''}`
}

/** Micro-CU in thousandths, rounded as asked (integer arithmetic on integers below 2^53). */
function roundToShown(micro: Micro, rounding: Rounding): number {
  const whole = Math.trunc(micro / SHOWN_STEP)
  const rest = micro - whole * SHOWN_STEP
  if (rest === 0) return whole
  let shown: number
  if (rounding === 'up') shown = rest > 0 ? whole + 1 : whole
  else if (rounding === 'down') shown = rest < 0 ? whole - 1 : whole
  else shown = Math.abs(rest) * 2 >= SHOWN_STEP ? whole + Math.sign(rest) : whole
  return shown === 0 ? 0 : shown // no "-0"
}

/** A whole number with thousands separators ("12,480"). */
export function formatCount(count: number): string {
  return groupDigits(String(count))
}

function groupDigits(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Micro-CU as a JSON number for the report, shown as formatPlain shows it. */
export function toCU(micro: Micro, rounding: Rounding = 'nearest'): number {
  return Number(formatPlain(micro, rounding))
}
