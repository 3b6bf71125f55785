/**
 * Tracking codes in the UPU S10 shape used by Correios: two letters, an
 * 8-digit serial, one check digit, two letters (e.g. BR000000014PY).
 */

const PREFIX = "BR";
const SUFFIX = "PY";
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;
const MAX_SEQUENCIA = 99_999_999;

function s10CheckDigit(serial: string): number {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += (serial.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const r = 11 - (sum % 11);
  return r === 10 ? 0 : r === 11 ? 5 : r;
}

/** Builds "BR" + the 8-digit zero-padded sequence + its S10 check digit + "PY". */
export function buildCodigoRastreamento(sequencia: number): string {
  if (!Number.isSafeInteger(sequencia) || sequencia < 0 || sequencia > MAX_SEQUENCIA) {
    throw new RangeError(`codigo de rastreamento: sequencia must be an integer in 0..${MAX_SEQUENCIA}, got ${sequencia}`);
  }
  const serial = String(sequencia).padStart(8, "0");
  return PREFIX + serial + String(s10CheckDigit(serial)) + SUFFIX;
}

/** True for any S10-shaped code (AA 8 digits, check digit, AA; uppercase) whose check digit matches; not only BR…PY. */
export function isValidCodigoRastreamento(code: string): boolean {
  const match = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(code);
  if (!match) return false;
  return s10CheckDigit(match[1]!) === Number(match[2]);
}
