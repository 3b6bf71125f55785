import { Code } from "../codes.js";
import type { MessageType } from "../definition.js";
import { RpcError } from "../rpc-error.js";

/**
 * Decodes proto3 JSON strictly: ts-proto's `fromJSON` takes anything (a
 * boolean for a number, a typo'd field dropped as if absent), so the JSON is
 * first checked against the message it decodes to: every key must name a
 * field (proto name or JSON name), and every value must have the field's JSON
 * type, at every depth. Throws INVALID_ARGUMENT naming the first offending path.
 */
export function fromJsonStrict<T>(type: MessageType<T>, json: unknown): T {
  const message = type.fromJSON(json);
  checkObject(json, message, "");
  return message;
}

function checkObject(json: unknown, decoded: unknown, path: string): void {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw wrongType(path, "an object", json);
  const fields = decoded as Record<string, unknown>;
  // for-in, not Object.entries: a parsed JSON object has only own keys, and no array per key is built.
  for (const key in json) {
    const name = key.indexOf("_") < 0 ? key : key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (!Object.hasOwn(fields, name)) throw new RpcError(Code.INVALID_ARGUMENT, `unknown field ${path ? `${path}.${key}` : key}`);
    const value = (json as Record<string, unknown>)[key];
    const field = fields[name];
    // The common case, a scalar of the field's own JSON type (text, number, true/false), needs no more.
    const type = typeof value;
    if (type === typeof field && type !== "object") continue;
    checkValue(value, field, path ? `${path}.${key}` : key);
  }
}

function checkValue(json: unknown, decoded: unknown, path: string): void {
  // null is the field's default in proto3 JSON.
  if (json === null) return;
  if (Array.isArray(decoded)) {
    if (!Array.isArray(json)) throw wrongType(path, "a list", json);
    json.forEach((item, i) => checkValue(item, decoded[i], `${path}[${i}]`));
  } else if (decoded instanceof Uint8Array) {
    if (typeof json !== "string") throw wrongType(path, "base64 text", json);
  } else if (typeof decoded === "number") {
    // int64 travels as a decimal string in proto3 JSON; floats may be "NaN" or "Infinity".
    const numeric = typeof json === "number" || (typeof json === "string" && /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|NaN|-?Infinity)$/.test(json));
    if (!numeric) throw wrongType(path, "a number", json);
  } else if (typeof decoded === "boolean") {
    if (typeof json !== "boolean") throw wrongType(path, "true or false", json);
  } else if (typeof decoded === "string") {
    if (typeof json !== "string") throw wrongType(path, "text", json);
  } else if (typeof decoded === "object" && decoded !== null) {
    checkObject(json, decoded, path);
  }
}

function wrongType(path: string, expected: string, got: unknown): RpcError {
  const shown = Array.isArray(got) ? "a list" : got === null ? "null" : typeof got === "object" ? "an object" : JSON.stringify(got);
  return new RpcError(Code.INVALID_ARGUMENT, `${path || "the request"} must be ${expected}, got ${shown}`);
}
