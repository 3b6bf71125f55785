import type { Produto } from "../../gen/lab/v1/hortifruti.js";

/**
 * Seed 002's line protocol, parsed and formatted (no I/O here).
 *
 * Requests, one per line (`\n`, an optional `\r` before it is dropped; tokens
 * separated by spaces or tabs):
 *   1 NAME          one product by name
 *   2 PRICE         products costing at most PRICE reais: `8`, `8.5`, `8.50` or `8,50`
 *   3 NAME DELTA    add DELTA (an integer, `-5` removes) to NAME's stock
 *   4               every product
 *   5               quit: the server answers, then closes the connection
 *
 * Replies: exactly one line per request line, in order:
 *   a product:      `Maca: R$3.00, Estoque: 20`          (1, and 3 with the stock after the change)
 *   a list:         products joined by `; `, or `Nenhum produto encontrado` (2, 4)
 *   quit:           `Encerrando conexão`                  (5)
 *   any error:      `ERRO: <message>`                     (the connection stays open)
 */

/** One request line, parsed. */
export type Command =
  | { readonly kind: "consultar"; readonly nome: string }
  | { readonly kind: "por-preco"; readonly precoMaximoCentavos: number }
  | { readonly kind: "atualizar"; readonly nome: string; readonly delta: number }
  | { readonly kind: "listar" }
  | { readonly kind: "sair" };

/** What {@link parseCommand} makes of a line: a command, or the error to answer. */
export type Parsed = { readonly ok: true; readonly command: Command } | { readonly ok: false; readonly error: string };

/** The usage text quoted by protocol errors. */
export const USAGE = "1 NAME | 2 PRICE | 3 NAME DELTA | 4 | 5";
/** The reply to `5`. */
export const BYE = "Encerrando conexão";
/** The reply to a list with no products. */
export const EMPTY_LIST = "Nenhum produto encontrado";
/** The prefix of every error reply. */
export const ERROR_PREFIX = "ERRO: ";

const PRICE = /^(\d{1,9})(?:[.,](\d{1,2}))?$/;
const DELTA = /^[+-]?\d{1,9}$/;

/** Parses one request line (already decoded, without its line ending). */
export function parseCommand(line: string): Parsed {
  const tokens = line.split(/[ \t]+/).filter((t) => t !== "");
  const [op, ...args] = tokens;
  const fail = (error: string): Parsed => ({ ok: false, error });
  const arity = (n: number, usage: string): string | undefined =>
    args.length === n ? undefined : `command ${op} takes ${n === 0 ? "no arguments" : n === 1 ? "1 argument" : `${n} arguments`}: ${usage}`;
  switch (op) {
    case undefined:
      return fail(`empty line; commands: ${USAGE}`);
    case "1": {
      const bad = arity(1, "1 NAME");
      return bad ? fail(bad) : { ok: true, command: { kind: "consultar", nome: args[0]! } };
    }
    case "2": {
      const bad = arity(1, "2 PRICE");
      if (bad) return fail(bad);
      const centavos = parseReais(args[0]!);
      if (centavos === undefined) return fail(`PRICE must be an amount in reais like 8, 8.5 or 8,50, got ${quote(args[0]!)}`);
      return { ok: true, command: { kind: "por-preco", precoMaximoCentavos: centavos } };
    }
    case "3": {
      const bad = arity(2, "3 NAME DELTA");
      if (bad) return fail(bad);
      const delta = args[1]!;
      if (!DELTA.test(delta)) return fail(`DELTA must be an integer like 10 or -5, got ${quote(delta)}`);
      return { ok: true, command: { kind: "atualizar", nome: args[0]!, delta: Number(delta) } };
    }
    case "4":
    case "5": {
      const bad = arity(0, op);
      return bad ? fail(bad) : { ok: true, command: { kind: op === "4" ? "listar" : "sair" } };
    }
    default:
      return fail(`unknown command ${quote(op)}; commands: ${USAGE}`);
  }
}

/** `8`, `8.5`, `8.50` or `8,50` reais as integer centavos; undefined for anything else (negatives, exponents, 3 decimals). */
export function parseReais(text: string): number | undefined {
  const match = PRICE.exec(text);
  if (!match) return undefined;
  const cents = (match[2] ?? "").padEnd(2, "0");
  return Number(match[1]) * 100 + Number(cents);
}

/** Centavos as the seed shows reais, with exact cents: 300 -> `3.00`. */
export function formatReais(centavos: number): string {
  const sign = centavos < 0 ? "-" : "";
  const abs = Math.abs(centavos);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** One product, as the seed's listing: `Maca: R$3.00, Estoque: 20`. */
export function formatProduto(produto: Produto): string {
  return `${produto.nome}: R$${formatReais(produto.precoCentavos)}, Estoque: ${produto.estoque}`;
}

/** A list of products on one line, `; `-separated, or {@link EMPTY_LIST}. */
export function formatLista(produtos: readonly Produto[]): string {
  return produtos.length === 0 ? EMPTY_LIST : produtos.map(formatProduto).join("; ");
}

/** An error reply. */
export function formatError(message: string): string {
  return ERROR_PREFIX + message;
}

/**
 * Makes `text` safe to send as one reply line: control characters (line
 * breaks included) and the Unicode line separators become `\uXXXX` escapes, so
 * nothing a client sent or a message contains can split a reply or drive a terminal.
 */
export function toReplyLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A client's token for an error message: quoted, and cut to 40 characters. */
function quote(token: string): string {
  const chars = [...token];
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join("")}…` : token);
}
