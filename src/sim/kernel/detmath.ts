// Engine-independent transcendental functions. ECMAScript fixes +, -, *, / and sqrt to
// IEEE-754 correct rounding, but leaves Math.exp, Math.log, Math.cos... to each engine:
// Node's V8 and Chromium's V8 were seen to differ in the last bit, which changed a trace.
// These use only exactly-specified operations, so every engine gets the same bits.

const LN2 = 0.6931471805599453;
// ln 2 split so that k * LN2_HI is exact for the k exp() meets (Cody and Waite).
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;

/** Natural logarithm for x > 0 (NaN otherwise). */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); scaling by 2 is exact.
  let m = x;
  let e = 0;
  while (m >= Math.SQRT2) {
    m /= 2;
    e++;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    e--;
  }
  // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: the series converges fast.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 1; k <= 31; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return e * LN2 + 2 * sum;
}

/** e^x. */
export function exp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.78) return Infinity;
  if (x < -745.2) return 0;
  // x = k ln2 + r with |r| <= ln2 / 2; e^x = 2^k e^r.
  const k = Math.round(x / LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  let term = 1;
  let sum = 1;
  for (let i = 1; i <= 20; i++) {
    term = (term * r) / i;
    sum += term;
  }
  return sum * pow2(k);
}

/** 2^k for an integer k, built by exact doublings. */
function pow2(k: number): number {
  let p = 1;
  if (k >= 0) for (let i = 0; i < k; i++) p *= 2;
  else for (let i = 0; i > k; i--) p /= 2;
  return p;
}
