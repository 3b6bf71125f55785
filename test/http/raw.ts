/** Raw HTTP helpers for the HTTP transport tests: exact requests, status, headers and body as sent. */
import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

/** What a raw request got back. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** Options of {@link raw}. */
export interface RawOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is; an array is sent chunk by chunk without a content-length (chunked). */
  readonly body?: string | Buffer | readonly Buffer[];
}

/** Sends exactly one request with node:http (no content-type unless given) and reads the whole answer. */
export function raw(url: string, options: RawOptions = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const { body } = options;
    const headers: Record<string, string> = { ...options.headers };
    if (typeof body === "string" || Buffer.isBuffer(body)) headers["content-length"] = String(Buffer.byteLength(body));
    const req = httpRequest(url, { method: options.method ?? "POST", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    // The server may answer (413) and hang up before the whole body is sent; the answer still counts.
    req.on("error", reject);
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else req.end(body as string | Buffer | undefined);
  });
}

/** POSTs a JSON body with `content-type: application/json`. */
export function postJson(url: string, body: unknown, headers: Readonly<Record<string, string>> = {}): Promise<RawAnswer> {
  return raw(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** The lines of an NDJSON body, parsed. */
export function ndjson(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

/** Asserts an HTTP error answer: its status, and a JSON body of exactly `{code, message}` with `message` matching. */
export function assertError(answer: RawAnswer, status: number, code: string, message: RegExp): void {
  assert.equal(answer.status, status, `status of ${answer.text}`);
  assert.match(String(answer.headers["content-type"]), /^application\/json/);
  const body = answer.json as { code: string; message: string };
  assert.deepEqual(Object.keys(body), ["code", "message"], answer.text);
  assert.equal(body.code, code, answer.text);
  assert.match(body.message, message);
}
