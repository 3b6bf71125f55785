/**
 * What the HTTP transport puts on the wire besides the body: the deadline
 * header, metadata headers and media types.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Metadata } from "../call.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";

/** Request header with the time the caller still allows, in whole ms (like gRPC's `grpc-timeout`). */
export const DEADLINE_HEADER = "x-deadline-ms";
/** Metadata entry `name` travels as header `x-md-<name>`, its value percent-encoded (so any Unicode survives). */
export const METADATA_PREFIX = "x-md-";
/** Media type of unary bodies and error answers. */
export const JSON_TYPE = "application/json";
/** Media type of a streamed answer: one JSON message per line. */
export const NDJSON_TYPE = "application/x-ndjson";
/** Media type of a streamed answer for browsers (`accept: text/event-stream`, REST routes and RPC alike). */
export const SSE_TYPE = "text/event-stream";

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Metadata as request headers; throws INVALID_ARGUMENT for a name HTTP cannot carry. */
export function metadataToHeaders(metadata: Metadata): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    const key = name.toLowerCase();
    if (!TOKEN.test(key)) throw new RpcError(Code.INVALID_ARGUMENT, `metadata name ${JSON.stringify(name)} is not a valid HTTP header name`);
    headers[METADATA_PREFIX + key] = encodeURIComponent(value);
  }
  return headers;
}

/** The metadata carried by `x-md-*` request headers (values percent-decoded when they decode). */
export function metadataFromHeaders(headers: IncomingHttpHeaders): Metadata {
  const metadata: Record<string, string> = {};
  for (const name in headers) {
    if (!name.startsWith(METADATA_PREFIX)) continue;
    const raw = headers[name];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // Not percent-encoded by our client: keep it as sent.
    }
    metadata[name.slice(METADATA_PREFIX.length)] = decoded;
  }
  return metadata;
}

/** The ms left that a deadline header states, or undefined without one; throws INVALID_ARGUMENT when malformed. */
export function parseDeadlineHeader(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d{1,12}$/.test(text.trim())) {
    throw new RpcError(Code.INVALID_ARGUMENT, `${DEADLINE_HEADER} must be a whole number of milliseconds, got ${JSON.stringify(String(value))}`);
  }
  return Number(text.trim());
}

/** A content-type header's media type, lower-cased, and its charset if named. */
export interface ContentType {
  readonly type: string;
  readonly charset: string | undefined;
}

/** The headers this transport sends itself, parsed once: nearly every call carries one of them. */
const KNOWN_CONTENT_TYPES = new Map(
  [JSON_TYPE, `${JSON_TYPE}; charset=utf-8`, `${NDJSON_TYPE}; charset=utf-8`, `${SSE_TYPE}; charset=utf-8`].map((v) => [v, parseAny(v)] as const),
);

/** The media type of a content-type header, lower-cased, and its charset if named. */
export function parseContentType(value: string | undefined): ContentType {
  return (value !== undefined && KNOWN_CONTENT_TYPES.get(value)) || parseAny(value);
}

function parseAny(value: string | undefined): ContentType {
  const [type = "", ...params] = (value ?? "").split(";");
  let charset: string | undefined;
  for (const param of params) {
    const [k, v] = param.split("=");
    if (k?.trim().toLowerCase() === "charset") charset = v?.trim().replace(/^"|"$/g, "").toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}
