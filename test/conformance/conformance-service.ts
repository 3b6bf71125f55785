import { sleep as sleepOn, type Clock } from "../../src/core/clock.js";
import type {
  CountRequest,
  CountResponse,
  CrashRequest,
  CrashResponse,
  EchoRequest,
  EchoResponse,
  FailRequest,
  FailResponse,
  SleepRequest,
  SleepResponse,
} from "../../src/gen/lab/v1/conformance.js";
import type { ConformanceDefinition } from "../../src/gen/lab/v1/conformance.js";
import type { CallContext } from "../../src/transports/call.js";
import type { Code } from "../../src/transports/codes.js";
import type { ImplOf } from "../../src/transports/router.js";
import { RpcError } from "../../src/transports/rpc-error.js";

/** The message of the plain Error that Crash (and a failing Count) throws; it must never reach a caller. */
export const SECRET_DETAIL = "secret detail";

/** What one Sleep call's handler went through. */
export interface SleepRecord {
  /** The sleep ran to its end and the handler answered. */
  completed: boolean;
  /** The handler's signal aborted while it slept. */
  observedAbort: boolean;
  /** The abort reason's code (CANCELLED or DEADLINE_EXCEEDED), when the reason is an RpcError. */
  abortCode: Code | undefined;
}

/** What one Count call's handler went through. */
export interface CountRecord {
  /** How many messages it yielded. */
  produced: number;
  /** Its `finally` block ran (it was closed, failed or finished). */
  finallyRan: boolean;
  /** Its signal aborted while it waited between messages. */
  observedAbort: boolean;
}

/**
 * The test-only Conformance service: a plain class on an injected clock. It keeps
 * a record per Sleep and Count call, keyed by the request's `tag`, so a test can
 * check what the handler observed on the server side of any transport.
 */
export class ConformanceService implements ImplOf<typeof ConformanceDefinition> {
  /** Sleep calls by tag. */
  readonly sleeps = new Map<string, SleepRecord>();
  /** Count calls by tag. */
  readonly counts = new Map<string, CountRecord>();
  /** Calls by method path, in arrival order (Echo, Fail, Crash, Sleep, Count). */
  readonly calls: string[] = [];

  constructor(private readonly clock: Clock) {}

  async echo(request: EchoRequest, context: CallContext): Promise<EchoResponse> {
    this.calls.push(context.path);
    return {
      text: request.text,
      number: request.number,
      payload: request.payload,
      tags: request.tags,
      metadataValue: request.metadataKey === "" ? "" : (context.metadata[request.metadataKey] ?? ""),
      deadlineRemainingMs: context.deadline === undefined ? -1 : context.deadline - this.clock.now(),
      path: context.path,
    };
  }

  async fail(request: FailRequest, context: CallContext): Promise<FailResponse> {
    this.calls.push(context.path);
    throw new RpcError(request.code as Code, request.message);
  }

  async crash(_request: CrashRequest, context: CallContext): Promise<CrashResponse> {
    this.calls.push(context.path);
    throw new Error(SECRET_DETAIL);
  }

  async sleep(request: SleepRequest, context: CallContext): Promise<SleepResponse> {
    this.calls.push(context.path);
    const record: SleepRecord = { completed: false, observedAbort: false, abortCode: undefined };
    this.sleeps.set(request.tag, record);
    try {
      await sleepOn(this.clock, request.ms, request.ignoreSignal ? undefined : context.signal);
    } catch (error) {
      if (context.signal.aborted) {
        record.observedAbort = true;
        record.abortCode = context.signal.reason instanceof RpcError ? context.signal.reason.code : undefined;
      }
      throw error;
    }
    record.completed = true;
    return { sleptMs: request.ms };
  }

  async *count(request: CountRequest, context: CallContext): AsyncGenerator<CountResponse> {
    this.calls.push(context.path);
    const record: CountRecord = { produced: 0, finallyRan: false, observedAbort: false };
    this.counts.set(request.tag, record);
    try {
      for (let n = 1; n <= request.count; n++) {
        try {
          if (request.delayMs > 0) await sleepOn(this.clock, request.delayMs, context.signal);
          else context.signal.throwIfAborted();
        } catch (error) {
          record.observedAbort = context.signal.aborted;
          throw error;
        }
        if (request.failAfter > 0 && n > request.failAfter) throw new Error(SECRET_DETAIL);
        record.produced = n;
        yield { n };
      }
    } finally {
      record.finallyRan = true;
    }
  }
}
