/**
 * 16-bit floats to float64, exactly (every half and bfloat16 value is a float64 value).
 * IEEE half: sign(1) exponent(5, bias 15) fraction(10).
 *   e = 0:  (−1)^s · f · 2^−24          (zero and subnormals)
 *   e = 31: ±Inf (f = 0) or NaN
 *   else:   (−1)^s · (1024 + f) · 2^(e−25)
 * bfloat16: the top 16 bits of an IEEE float32, so value = float32 with bits (b << 16).
 */
export function halfBitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

export function bfloat16BitsToNumber(bits: number): number {
  bf16Scratch.setUint32(0, ((bits & 0xffff) << 16) >>> 0);
  return bf16Scratch.getFloat32(0);
}
