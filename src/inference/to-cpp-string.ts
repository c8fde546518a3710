/**
 * C++'s `std::to_string(double)`, which is `printf("%f")`: six decimals, exact digits, ties to even,
 * "-0.000000", "nan", "inf", "-inf". Triton prints classification values with it, so a client that
 * parses them sees the same text from umbral.
 *
 * Number#toFixed(6) gives the same digits except in two places: from 1e21 up it switches to
 * exponent notation, and on an exact tie it rounds away from zero where glibc rounds to even.
 */
export function toCppString(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0.000000';
  // From 1e21 every double is an integer, and BigInt prints all its digits.
  if (Math.abs(value) >= 1e21) return `${BigInt(value)}.000000`;
  const fixed = value.toFixed(6);
  return isTieAtSixDecimals(value) ? toEvenLastDigit(fixed) : fixed;
}

/**
 * x * 10^6 ends in exactly .5 only when x = m / 2^7 with m odd (10^6 / 2^7 = 7812.5, and a double
 * is a dyadic fraction, so no other denominator can produce the half).
 */
function isTieAtSixDecimals(value: number): boolean {
  const scaled = value * 128; // exact: a power of two
  return Number.isInteger(scaled) && Math.abs(scaled % 2) === 1;
}

/** On a tie toFixed took the larger magnitude; when its last digit is odd, the even neighbour is one below. */
function toEvenLastDigit(fixed: string): string {
  const last = fixed.charCodeAt(fixed.length - 1) - 48;
  return last % 2 === 1 ? fixed.slice(0, -1) + String(last - 1) : fixed;
}
