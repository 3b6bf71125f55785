/**
 * The 44-digit NF-e access key (chave de acesso): cUF(2) AAMM(4) CNPJ(14)
 * mod(2) serie(3) nNF(9) tpEmis(1) cNF(8) followed by a mod-11 check digit
 * (Manual de Orientação do Contribuinte, item 5.4).
 */

/** The fields an access key is built from; `emissao.ano` is the four-digit year. */
export interface ChaveAcessoParts {
  cUF: number;
  emissao: { ano: number; mes: number };
  cnpj: string;
  modelo?: number;
  serie: number;
  numero: number;
  tipoEmissao?: number;
  codigoNumerico: number;
}

function digits(field: string, value: number, width: number): string {
  const max = 10 ** width - 1;
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`chave de acesso: ${field} must be an integer in 0..${max}, got ${value}`);
  }
  return String(value).padStart(width, "0");
}

function mod11(payload: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = payload.length - 1; i >= 0; i--) {
    sum += (payload.charCodeAt(i) - 48) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const dv = 11 - (sum % 11);
  return dv >= 10 ? 0 : dv;
}

/** Builds the 44-digit access key, throwing a RangeError naming the first field that does not fit. */
export function buildChaveAcesso(parts: ChaveAcessoParts): string {
  const { ano, mes } = parts.emissao;
  // AAMM keeps only the last two digits of the year, so a two-digit or
  // out-of-century year would silently produce a key for the wrong date.
  if (!Number.isSafeInteger(ano) || ano < 2000 || ano > 2099) {
    throw new RangeError(`chave de acesso: emissao.ano must be a four-digit year in 2000..2099, got ${ano}`);
  }
  if (!Number.isSafeInteger(mes) || mes < 1 || mes > 12) {
    throw new RangeError(`chave de acesso: emissao.mes must be an integer in 1..12, got ${mes}`);
  }
  if (!/^\d{14}$/.test(parts.cnpj)) {
    throw new RangeError(`chave de acesso: cnpj must be exactly 14 digits, got ${JSON.stringify(parts.cnpj)}`);
  }
  const first43 =
    digits("cUF", parts.cUF, 2) +
    digits("emissao.ano", ano % 100, 2) +
    digits("emissao.mes", mes, 2) +
    parts.cnpj +
    digits("modelo", parts.modelo ?? 55, 2) +
    digits("serie", parts.serie, 3) +
    digits("numero", parts.numero, 9) +
    digits("tipoEmissao", parts.tipoEmissao ?? 1, 1) +
    digits("codigoNumerico", parts.codigoNumerico, 8);
  return first43 + String(mod11(first43));
}

/** The mod-11 check digit (weights 2..9 from the right; 10 and 11 become 0) of the first 43 digits of a key. */
export function chaveAcessoCheckDigit(first43: string): number {
  if (!/^\d{43}$/.test(first43)) {
    throw new RangeError(`chave de acesso: expected exactly 43 digits, got ${JSON.stringify(first43)}`);
  }
  return mod11(first43);
}

/** True when `key` is exactly 44 digits and its last digit is the check digit of the first 43. */
export function isValidChaveAcesso(key: string): boolean {
  return /^\d{44}$/.test(key) && mod11(key.slice(0, 43)) === key.charCodeAt(43) - 48;
}
