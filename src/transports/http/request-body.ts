import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { Code } from "../codes.js";
import { ChunkList } from "./chunk-list.js";
import { HttpFailure } from "./http-failure.js";
import { JSON_TYPE, parseContentType } from "./wire.js";

/** Refuses (415) a request whose content-type is not `application/json` (charset, if named, utf-8). */
export function requireJsonContentType(req: IncomingMessage): void {
  const { type, charset } = parseContentType(req.headers["content-type"]);
  if (type !== JSON_TYPE || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    const got = req.headers["content-type"] === undefined ? "none" : JSON.stringify(req.headers["content-type"]);
    throw new HttpFailure(415, Code.INVALID_ARGUMENT, `content-type must be ${JSON_TYPE} (utf-8), got ${got}`, { accept: JSON_TYPE });
  }
}

/**
 * Reads the body, at most `maxBytes` of it: a declared or actual size over the
 * limit fails with 413 at once, without reading (and keeping) the rest.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const reader = new BodyReader(maxBytes, resolve, reject);
    // Anonymous arrows, not named closures: tsx (esbuild keepNames) renames every named one, on every request.
    req.on("data", (chunk: Buffer) => reader.data(chunk));
    req.on("end", () => reader.end());
    req.on("error", (error: Error) => reader.fail(error));
    req.on("close", () => reader.closed());
  });
}

/** Collects a body's chunks until its end, the limit or a failure, whichever comes first; later events are ignored. */
class BodyReader {
  readonly #chunks = new ChunkList();
  #settled = false;

  constructor(
    private readonly maxBytes: number,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  data(chunk: Buffer): void {
    if (this.#settled) return;
    if (this.#chunks.size + chunk.length > this.maxBytes) return this.fail(tooLarge(this.maxBytes));
    this.#chunks.push(chunk);
  }

  end(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.resolve(this.#chunks.take());
  }

  /** The request closed: after its end that is normal; before, the client left mid-body. */
  closed(): void {
    // Checked first: an Error captures a stack trace, far dearer than the rest of a request.
    if (!this.#settled) this.fail(new Error("the client closed the connection before sending the whole body"));
  }

  fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#chunks.clear();
    this.reject(error);
  }
}

function tooLarge(maxBytes: number): HttpFailure {
  return new HttpFailure(413, Code.RESOURCE_EXHAUSTED, `request body is larger than the limit of ${maxBytes} bytes`, { connection: "close" });
}

/** The body as a JSON object; 400 INVALID_ARGUMENT naming the problem otherwise. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  // isUtf8 + toString: the same strict check as a fatal TextDecoder, a fraction of its cost per call.
  if (!isUtf8(body)) throw invalidBody("request body is not valid UTF-8");
  // A byte order mark is skipped, as TextDecoder does.
  const text = body.toString("utf8", body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (text.trim() === "") throw invalidBody("request body is empty; send a JSON object ({} for an empty message)");
    throw invalidBody(`malformed JSON in request body: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw invalidBody(`request body must be a JSON object, got ${kind}`);
  }
  return value as Record<string, unknown>;
}

function invalidBody(message: string): HttpFailure {
  return new HttpFailure(400, Code.INVALID_ARGUMENT, message);
}
