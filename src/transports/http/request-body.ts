import type { IncomingMessage } from "node:http";
import { Code } from "../codes.js";
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
  const tooLarge = () => new HttpFailure(413, Code.RESOURCE_EXHAUSTED, `request body is larger than the limit of ${maxBytes} bytes`, { connection: "close" });
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      cleanup();
      chunks.length = 0;
      reject(tooLarge());
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error("the client closed the connection before sending the whole body"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** Stateless between calls (never asked to stream), so one serves every request. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The body as a JSON object; 400 INVALID_ARGUMENT naming the problem otherwise. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const invalid = (message: string) => new HttpFailure(400, Code.INVALID_ARGUMENT, message);
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw invalid("request body is not valid UTF-8");
  }
  if (text.trim() === "") throw invalid("request body is empty; send a JSON object ({} for an empty message)");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`malformed JSON in request body: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw invalid(`request body must be a JSON object, got ${kind}`);
  }
  return value as Record<string, unknown>;
}
