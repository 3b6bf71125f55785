import { test } from "node:test";
import assert from "node:assert/strict";

import {
  buildChaveAcesso,
  chaveAcessoCheckDigit,
  isValidChaveAcesso,
  type ChaveAcessoParts,
} from "../../src/core/fiscal/chave-acesso.js";
import { buildCodigoRastreamento, isValidCodigoRastreamento } from "../../src/core/logistica/codigo-rastreamento.js";

// Published keys. The first is the infNFe Id of the sample XML in the SEFAZ
// integration manual (layout 1.10, 2008), reproduced in many NF-e libraries
// (e.g. PyNFe). Back then the last 9 payload digits were one cNF 518005127; in
// the current layout the same digits read as tpEmis 5 + cNF 18005127.
const SEFAZ_SAMPLE = "35080599999090910270550010000000015180051273";
// Worked example of blog.nstecnologia.com.br/digito-verificador-da-chave-de-acesso/:
// weighted sum 489, 489 % 11 = 5, DV = 11 - 5 = 6.
const NST_EXAMPLE = "43171207364617000135550000000120141000120146";
// NFC-e (mod 65, tpEmis 9) from invoisys.com.br/blog/como-e-formada-a-chave-de-acesso/:
// weighted sum 693 = 63 * 11, so 11 - 0 = 11 and the DV is 0.
const INVOISYS_NFCE = "13181017921427000125650010000000309887251170";

const BASE: ChaveAcessoParts = {
  cUF: 43,
  emissao: { ano: 2017, mes: 12 },
  cnpj: "07364617000135",
  serie: 0,
  numero: 12014,
  codigoNumerico: 12014,
};

// Independent oracles for the weighted sums, used to explain the mutations the
// check digits are mathematically unable to see.
function nfeResidue(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum += Number(payload[i]) * (((payload.length - 1 - i) % 8) + 2);
  return sum % 11;
}
function s10Residue(serial: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial[i]) * weights[i]!;
  return sum % 11;
}

function* singleDigitChanges(code: string, from: number, to: number): Generator<{ at: number; mutated: string }> {
  for (let at = from; at < to; at++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) === code[at]) continue;
      yield { at, mutated: code.slice(0, at) + d + code.slice(at + 1) };
    }
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

test("chave de acesso: published keys validate and their check digits match", () => {
  for (const key of [SEFAZ_SAMPLE, NST_EXAMPLE, INVOISYS_NFCE]) {
    assert.equal(isValidChaveAcesso(key), true, key);
    assert.equal(chaveAcessoCheckDigit(key.slice(0, 43)), Number(key[43]), key);
  }
});

test("chave de acesso: builds the published keys from their fields", () => {
  assert.equal(buildChaveAcesso(BASE), NST_EXAMPLE);
  assert.equal(
    buildChaveAcesso({
      cUF: 13,
      emissao: { ano: 2018, mes: 10 },
      cnpj: "17921427000125",
      modelo: 65,
      serie: 1,
      numero: 30,
      tipoEmissao: 9,
      codigoNumerico: 88725117,
    }),
    INVOISYS_NFCE,
  );
  assert.equal(
    buildChaveAcesso({
      cUF: 35,
      emissao: { ano: 2008, mes: 5 },
      cnpj: "99999090910270",
      serie: 1,
      numero: 1,
      tipoEmissao: 5,
      codigoNumerico: 18005127,
    }),
    SEFAZ_SAMPLE,
  );
});

test("chave de acesso: zero-pads every field to its width", () => {
  const key = buildChaveAcesso({
    cUF: 5,
    emissao: { ano: 2001, mes: 2 },
    cnpj: "00000000000191",
    modelo: 1,
    serie: 7,
    numero: 42,
    tipoEmissao: 0,
    codigoNumerico: 3,
  });
  assert.equal(key.length, 44);
  assert.deepEqual(
    [key.slice(0, 2), key.slice(2, 6), key.slice(6, 20), key.slice(20, 22), key.slice(22, 25), key.slice(25, 34), key.slice(34, 35), key.slice(35, 43)],
    ["05", "0102", "00000000000191", "01", "007", "000000042", "0", "00000003"],
  );
  assert.equal(isValidChaveAcesso(key), true);
});

test("chave de acesso: rejects fields that do not fit, naming the field", () => {
  const cases: Array<[string, Partial<ChaveAcessoParts>]> = [
    ["cUF", { cUF: 100 }],
    ["cUF", { cUF: -1 }],
    ["cUF", { cUF: 3.5 }],
    ["emissao.ano", { emissao: { ano: 17, mes: 12 } }],
    ["emissao.ano", { emissao: { ano: 2100, mes: 1 } }],
    ["emissao.mes", { emissao: { ano: 2017, mes: 0 } }],
    ["emissao.mes", { emissao: { ano: 2017, mes: 13 } }],
    ["cnpj", { cnpj: "0736461700013" }],
    ["cnpj", { cnpj: "073646170001350" }],
    ["cnpj", { cnpj: "07.364.617/0001-35" }],
    ["modelo", { modelo: 100 }],
    ["serie", { serie: 1000 }],
    ["serie", { serie: -1 }],
    ["numero", { numero: 1_000_000_000 }],
    ["numero", { numero: Number.NaN }],
    ["tipoEmissao", { tipoEmissao: 10 }],
    ["codigoNumerico", { codigoNumerico: 100_000_000 }],
    ["codigoNumerico", { codigoNumerico: 1.25 }],
  ];
  for (const [field, override] of cases) {
    assert.throws(
      () => buildChaveAcesso({ ...BASE, ...override }),
      (err: unknown) => err instanceof RangeError && err.message.includes(`${field} `),
      `${field} ${JSON.stringify(override)}`,
    );
  }
  // The widest values that still fit are accepted.
  assert.equal(
    isValidChaveAcesso(
      buildChaveAcesso({ ...BASE, cUF: 99, modelo: 99, serie: 999, numero: 999_999_999, tipoEmissao: 9, codigoNumerico: 99_999_999 }),
    ),
    true,
  );
});

test("chave de acesso: check digit and validator reject malformed input", () => {
  assert.throws(() => chaveAcessoCheckDigit(NST_EXAMPLE), RangeError);
  assert.throws(() => chaveAcessoCheckDigit(NST_EXAMPLE.slice(0, 42)), RangeError);
  assert.throws(() => chaveAcessoCheckDigit(`${NST_EXAMPLE.slice(0, 42)}x`), RangeError);
  for (const bad of ["", NST_EXAMPLE.slice(0, 43), `${NST_EXAMPLE}0`, `NFe${NST_EXAMPLE}`, ` ${NST_EXAMPLE.slice(1)}`, NST_EXAMPLE.replace("4", "a")]) {
    assert.equal(isValidChaveAcesso(bad), false, JSON.stringify(bad));
  }
});

test("chave de acesso: every single-digit change is caught, except the documented 10/11 -> 0 collision", () => {
  const next = lcg(20240611);
  const sample = [SEFAZ_SAMPLE, NST_EXAMPLE, INVOISYS_NFCE];
  for (let i = 0; i < 200; i++) {
    sample.push(
      buildChaveAcesso({
        cUF: 11 + (next() % 43),
        emissao: { ano: 2006 + (next() % 20), mes: 1 + (next() % 12) },
        cnpj: String(next() % 100_000_000).padStart(8, "0") + String(next() % 1_000_000).padStart(6, "0"),
        serie: next() % 1000,
        numero: next() % 1_000_000_000,
        codigoNumerico: next() % 100_000_000,
      }),
    );
  }
  let blindSpots = 0;
  for (const key of sample) {
    const residue = nfeResidue(key.slice(0, 43));
    for (const { at, mutated } of singleDigitChanges(key, 0, 44)) {
      // Remainders 0 and 1 both give DV 0, so a change moving the sum between
      // them is invisible; a change to the DV itself is always caught.
      const invisible = at < 43 && residue + nfeResidue(mutated.slice(0, 43)) === 1;
      if (invisible) blindSpots++;
      assert.equal(isValidChaveAcesso(mutated), invisible, `${key} -> ${mutated}`);
    }
  }
  assert.ok(blindSpots > 0, "the sample should exercise the collision");
  // Published keys whose remainder is neither 0 nor 1 catch every change.
  for (const key of [SEFAZ_SAMPLE, NST_EXAMPLE]) {
    for (const { mutated } of singleDigitChanges(key, 0, 44)) assert.equal(isValidChaveAcesso(mutated), false, mutated);
  }
  // Concrete blind spot: INVOISYS_NFCE has remainder 0; cNF 88725117 -> 88725112
  // lowers the sum by 2 * 5 = 10, remainder 1, and the DV is still 0.
  assert.equal(isValidChaveAcesso("13181017921427000125650010000000309887251120"), true);
});

test("codigo de rastreamento: UPU S10 published example and padding", () => {
  // S10 worked example (UPU S10 / Wikipedia): 47312482 -> sum 200, 11 - 2 = 9.
  assert.equal(buildCodigoRastreamento(47_312_482), "BR473124829PY");
  assert.equal(isValidCodigoRastreamento("RR473124829GB"), true);
  // 0 -> sum 0 -> r = 11 -> 5; 1 -> sum 7 -> r = 4; all nines -> sum 396 = 36 * 11 -> 5.
  assert.equal(buildCodigoRastreamento(0), "BR000000005PY");
  assert.equal(buildCodigoRastreamento(1), "BR000000014PY");
  assert.equal(buildCodigoRastreamento(99_999_999), "BR999999995PY");
  // r = 10 -> 0: 00000008 -> sum 8 * 7 = 56, 56 % 11 = 1, r = 10.
  assert.equal(buildCodigoRastreamento(8), "BR000000080PY");
  assert.equal(buildCodigoRastreamento(12_345_678), "BR123456785PY");
  // The seed's placeholder BR123456789PY does not carry a valid check digit.
  assert.equal(isValidCodigoRastreamento("BR123456789PY"), false);
});

test("codigo de rastreamento: rejects sequences outside 0..99,999,999 or non-integers", () => {
  for (const bad of [-1, 100_000_000, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.5]) {
    assert.throws(() => buildCodigoRastreamento(bad), (err: unknown) => err instanceof RangeError && err.message.includes("sequencia"), String(bad));
  }
});

test("codigo de rastreamento: validator rejects malformed codes", () => {
  for (const bad of ["", "BR00000000PY", "BR0000000005PY", "br000000005py", "B1000000005PY", "BR000000005P", " BR000000005PY", "BR00000000XPY"]) {
    assert.equal(isValidCodigoRastreamento(bad), false, JSON.stringify(bad));
  }
});

test("codigo de rastreamento: every single-digit change is caught, except the documented 0/6 -> 5 collision", () => {
  const sequences = [0, 1, 8, 47_312_482, 12_345_678, 99_999_999];
  for (let s = 7; s <= 99_999_999; s += 999_983) sequences.push(s);
  let blindSpots = 0;
  for (const seq of sequences) {
    const code = buildCodigoRastreamento(seq);
    const residue = s10Residue(code.slice(2, 10));
    for (const { at, mutated } of singleDigitChanges(code, 2, 11)) {
      // Remainder 0 gives r = 11 -> 5 and remainder 6 gives r = 5.
      const pair = [residue, s10Residue(mutated.slice(2, 10))].sort((a, b) => a - b).join();
      const invisible = at < 10 && pair === "0,6";
      if (invisible) blindSpots++;
      assert.equal(isValidCodigoRastreamento(mutated), invisible, `${code} -> ${mutated}`);
    }
  }
  assert.ok(blindSpots > 0, "the sample should exercise the collision");
  // Concrete blind spot: 00000000 -> 01000000 adds 6 * 1, remainder 6, DV still 5.
  assert.equal(isValidCodigoRastreamento("BR010000005PY"), true);
});

test("codigo de rastreamento: sequences 0..9999 give distinct, valid, 13-character codes", () => {
  const codes = new Set<string>();
  for (let seq = 0; seq <= 9999; seq++) {
    const code = buildCodigoRastreamento(seq);
    assert.equal(code.length, 13);
    assert.ok(isValidCodigoRastreamento(code), code);
    codes.add(code);
  }
  assert.equal(codes.size, 10_000);
});
