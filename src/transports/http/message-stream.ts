import type { CallRequest } from "../call.js";
import { Code } from "../codes.js";
import { RpcError } from "../rpc-error.js";
import { LineSplitter } from "./ndjson.js";
import { errorFromAnswer, isErrorBody } from "./status.js";
import type { WireCall } from "./wire-call.js";

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The messages of an NDJSON answer, decoded as their lines arrive and held
 * until the consumer asks (a plain AsyncIterator: one resolved promise per
 * message it already holds). A `{"error": {...}}` line fails it after the
 * messages before it.
 */
export class MessageStream implements AsyncIterableIterator<unknown> {
  readonly #call: WireCall;
  readonly #request: CallRequest;
  readonly #lines = new LineSplitter();
  #queue: unknown[] = [];
  #head = 0;
  /** No message will be added (the answer ended, failed or the consumer stopped). */
  #ended = false;
  /** Given to the consumer once the messages held are read. */
  #error: RpcError | undefined;
  #waiting: { resolve: (result: IteratorResult<unknown>) => void; reject: (error: unknown) => void } | undefined;

  constructor(call: WireCall, request: CallRequest) {
    this.#call = call;
    this.#request = request;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Messages decoded and not yet read. */
  get buffered(): number {
    return this.#queue.length - this.#head;
  }

  /** Decodes the lines `chunk` completes; returns the error a bad line (or an error line) makes, after queueing the messages before it. */
  push(chunk: Buffer): RpcError | undefined {
    let lines: string[];
    try {
      lines = this.#lines.push(chunk);
    } catch (error) {
      return error as RpcError;
    }
    for (const line of lines) {
      const error = this.#add(line);
      if (error) return error;
    }
    this.#deliver();
    return undefined;
  }

  /** The answer ended: decodes a last unterminated line. */
  end(): RpcError | undefined {
    const last = this.#lines.end();
    const error = last === undefined ? undefined : this.#add(last);
    if (error) return error;
    this.#ended = true;
    this.#deliver();
    return undefined;
  }

  /** Fails the stream: `now` drops the messages held (an abort), otherwise they are read first. */
  fail(error: RpcError, now: boolean): void {
    if (now) {
      this.#queue = [];
      this.#head = 0;
    }
    this.#ended = true;
    this.#error = error;
    this.#deliver();
  }

  /** The next message, done at the answer's end, or the call's failure (one pending next() at a time, as for await asks). */
  next(): Promise<IteratorResult<unknown>> {
    if (this.#head < this.#queue.length) return Promise.resolve({ done: false, value: this.#take() });
    if (this.#error) {
      const error = this.#error;
      this.#error = undefined;
      return Promise.reject(error);
    }
    if (this.#ended) return Promise.resolve(DONE);
    return new Promise<IteratorResult<unknown>>((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** The consumer stopped early: drop what is held and cut the answer off. */
  return(): Promise<IteratorResult<unknown>> {
    this.#queue = [];
    this.#head = 0;
    this.#ended = true;
    this.#error = undefined;
    this.#call.stop();
    this.#deliver();
    return Promise.resolve(DONE);
  }

  #add(line: string): RpcError | undefined {
    const value = parseOrUndefined(line);
    if (value === undefined) return new RpcError(Code.INTERNAL, "error deserializing response: a stream line is not JSON");
    const error = typeof value === "object" && value !== null ? (value as { error?: unknown }).error : undefined;
    if (error !== undefined && isErrorBody(error) && Object.keys(value as object).length === 1) return errorFromAnswer(200, error);
    try {
      this.#queue.push(decode(this.#request, value));
    } catch (cause) {
      return deserializeError(cause);
    }
    return undefined;
  }

  #take(): unknown {
    const value = this.#queue[this.#head];
    this.#queue[this.#head++] = undefined;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
      if (!this.#ended) this.#call.resume();
    }
    return value;
  }

  /** Answers a consumer waiting in next(), if there is something to answer. */
  #deliver(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    if (this.#head < this.#queue.length) {
      this.#waiting = undefined;
      waiting.resolve({ done: false, value: this.#take() });
    } else if (this.#error) {
      this.#waiting = undefined;
      const error = this.#error;
      this.#error = undefined;
      waiting.reject(error);
    } else if (this.#ended) {
      this.#waiting = undefined;
      waiting.resolve(DONE);
    }
  }
}

/** The response message from its proto3 JSON. */
export function decode(request: CallRequest, json: unknown): unknown {
  return request.method.responseType.fromJSON(json);
}

/** INTERNAL for an answer that does not decode. */
export function deserializeError(cause: unknown): RpcError {
  return new RpcError(Code.INTERNAL, "error deserializing response", { cause });
}

/** JSON.parse, or undefined for text that is not JSON. */
export function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
