import { sleep, type Clock } from "../../src/core/clock.js";
import { CatalogoDefinition, ListaProdutosResponse } from "../../src/gen/ecommerce/v1/catalogo.js";
import { drainMicrotasks } from "../../src/sim/drain.js";
import { Scheduler } from "../../src/sim/scheduler.js";
import type { CallRequest, CallResponse, Transport } from "../../src/transports/call.js";
import { RpcError } from "../../src/transports/rpc-error.js";
import { Code } from "../../src/transports/codes.js";

/** A virtual clock starting at 0, for readable times in assertions. */
export function newScheduler(): Scheduler {
  return new Scheduler({ startMs: 0 });
}

/** Runs the scheduler's events (draining promise jobs after each) until `promise` settles, then returns it. */
export async function runUntilSettled<T>(scheduler: Scheduler, promise: Promise<T>, limitMs = 1_000_000): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await scheduler.run({ drain: drainMicrotasks, stop: () => done, untilMs: limitMs });
  if (!done) throw new Error(`still pending at ${scheduler.now()}`);
  return promise;
}

/** Runs events up to virtual time `ms`, draining promise jobs after each; the clock ends at `ms`. */
export async function runTo(scheduler: Scheduler, ms: number): Promise<void> {
  await scheduler.run({ drain: drainMicrotasks, untilMs: ms });
  scheduler.advanceTo(ms); // run() leaves the clock at the last event when the queue empties first
}

const METHOD = CatalogoDefinition.methods.listarProdutos;

/** A ListarProdutos call request, as createClient would build it. */
export function listRequest(options: { signal?: AbortSignal; deadline?: number } = {}): CallRequest {
  return {
    service: CatalogoDefinition,
    method: METHOD,
    path: "/ecommerce.v1.Catalogo/ListarProdutos",
    message: METHOD.requestType.fromPartial({}),
    signal: options.signal ?? new AbortController().signal,
    deadline: options.deadline,
    metadata: {},
  };
}

/** Which instance answered a call made with {@link listRequest} to a {@link fakeInstance}. */
export function servedBy(response: CallResponse): string {
  if (response.stream) throw new Error("expected a unary answer");
  return (response.message as ListaProdutosResponse).produtos[0]?.nome ?? "?";
}

/** A hand-made instance: answers after `latencyMs` (0: at once) with its id, or fails with whatever `fail` returns. */
export interface FakeInstance extends Transport {
  readonly id: string;
  /** Clock ms of every call it received. */
  readonly calls: number[];
  /** Calls whose signal aborted while it was answering. */
  cancelled: number;
  latencyMs: number;
  fail: (() => RpcError | undefined) | undefined;
}

/** Makes a {@link FakeInstance} on `clock`. */
export function fakeInstance(id: string, clock: Clock, options: { latencyMs?: number; fail?: () => RpcError | undefined } = {}): FakeInstance {
  const instance: FakeInstance = {
    id,
    calls: [],
    cancelled: 0,
    latencyMs: options.latencyMs ?? 0,
    fail: options.fail,
    async call(request) {
      instance.calls.push(clock.now());
      if (instance.latencyMs > 0) {
        try {
          await sleep(clock, instance.latencyMs, request.signal);
        } catch (error) {
          instance.cancelled++;
          throw RpcError.from(error);
        }
      }
      const error = instance.fail?.();
      if (error) throw error;
      return { stream: false, message: ListaProdutosResponse.fromPartial({ produtos: [{ id: 1, nome: id }] }) };
    },
  };
  return instance;
}

/** An error with a code, for fakes. */
export function rpc(code: Code, message = "fake failure"): RpcError {
  return new RpcError(code, message);
}

export { Code };
