/** Reading the gateway's query and body parameters: each bad one is INVALID_ARGUMENT (HTTP 400) naming it. */
import { invalidArgument } from "../core/errors.js";
import type { MessageType } from "../transports/definition.js";
import { decodeMessage, encodeMessage } from "../transports/message-bytes.js";

/** The range an int64 field carries exactly in TypeScript (ts-proto forceLong=number): ±(2^53 - 1). */
export const INT64_RANGE = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER } as const;
/** The range of an int32 field. */
export const INT32_RANGE = { min: -(2 ** 31), max: 2 ** 31 - 1 } as const;

/** Options of {@link intParam} and {@link numberParam}. */
export interface ParamOptions {
  /** A request that shows the parameter's use, for the error message (`/sum?a=5&b=3`). */
  readonly example: string;
  /** Used when the parameter is absent or empty; without one, it is required. */
  readonly fallback?: number;
}

/** Parameter `name` as an integer within `range` (decimal digits, optional sign). */
export function intParam(params: Readonly<Record<string, string>>, name: string, range: { readonly min: number; readonly max: number }, options: ParamOptions): number {
  const raw = present(params, name, options);
  if (typeof raw === "number") return raw;
  const value = /^[+-]?\d{1,20}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value)) throw invalidArgument(`${name} must be an integer, got ${JSON.stringify(raw)} (e.g. ${options.example})`);
  if (value < range.min || value > range.max) throw invalidArgument(`${name} must be an integer in ${range.min}..${range.max}, got ${raw}`);
  return value;
}

/** Parameter `name` as a finite decimal number (`2`, `-1.5`, `2.5e3`). */
export function numberParam(params: Readonly<Record<string, string>>, name: string, options: ParamOptions): number {
  const raw = present(params, name, options);
  if (typeof raw === "number") return raw;
  const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) throw invalidArgument(`${name} must be a finite number, got ${JSON.stringify(raw)} (e.g. ${options.example})`);
  return value;
}

function present(params: Readonly<Record<string, string>>, name: string, options: ParamOptions): string | number {
  const raw = params[name]?.trim() ?? "";
  if (raw !== "") return raw;
  if (options.fallback !== undefined) return options.fallback;
  throw invalidArgument(`missing parameter ${name} (e.g. ${options.example})`);
}

/** Body field `name` as an integer within `range`. */
export function intField(body: Readonly<Record<string, unknown>> | undefined, name: string, range: { readonly min: number; readonly max: number }): number {
  const value = body?.[name];
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw invalidArgument(`${name} must be an integer in ${range.min}..${range.max}, got ${JSON.stringify(value) ?? "nothing"}`);
  }
  return value;
}

/**
 * Refuses a message that its wire encoding would refuse or change (a value
 * too large or not whole for its field), before it is sent: INVALID_ARGUMENT
 * naming the first field that does not survive, not an internal error.
 */
export function requireFitsWire<T>(type: MessageType<T>, message: T): void {
  const sent = type.toJSON(message);
  let bytes: Uint8Array;
  try {
    bytes = encodeMessage(type, message);
  } catch (error) {
    // The encoder refuses some values itself (an int32 of 2^32 + 1: "invalid int32: 4294967297").
    throw invalidArgument(`request has a value its field cannot carry: ${(error as Error).message}`);
  }
  const received = type.toJSON(decodeMessage(type, bytes));
  const path = firstDifference(sent, received, "");
  if (path !== undefined) throw invalidArgument(`${path || "request"} has a value its field cannot carry: ${JSON.stringify(valueAt(sent, path))}`);
}

function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const inner = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : path;
}

function valueAt(value: unknown, path: string): unknown {
  return path === "" ? value : path.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}
