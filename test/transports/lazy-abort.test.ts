import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { test } from "node:test";
import { PagamentosDefinition } from "../../src/gen/ecommerce/v1/pagamentos.js";
import { Scheduler } from "../../src/sim/scheduler.js";
import { clientRequest, withDeadline } from "../../src/transports/call-request.js";
import { NEVER_ABORTED, requestAbort, watchCall } from "../../src/transports/call-scope.js";
import { Code } from "../../src/transports/codes.js";
import { LazyAbort, lazyContext } from "../../src/transports/lazy-abort.js";
import { RpcError } from "../../src/transports/rpc-error.js";

const codeOf = (reason: unknown) => (reason as RpcError).code;

test("LazyAbort: an abort before anyone read the signal still shows on the signal made later, with its reason, once", () => {
  const abort = new LazyAbort();
  const reason = new RpcError(Code.CANCELLED, "call cancelled by the caller");
  abort.abort(reason);
  abort.abort(new RpcError(Code.DEADLINE_EXCEEDED, "later, ignored"));
  assert.equal(abort.aborted, true);
  assert.equal(abort.signal.aborted, true);
  assert.equal(abort.signal.reason, reason);
});

test("LazyAbort: the deadline aborts DEADLINE_EXCEEDED on the clock; close() stops the timer", () => {
  const clock = new Scheduler({ startMs: 0 });
  const expired = new LazyAbort();
  expired.expireAt(clock, 100);
  const closed = new LazyAbort();
  closed.expireAt(clock, 100);
  closed.close();
  clock.advanceTo(99);
  assert.equal(expired.aborted, false);
  clock.advanceTo(100);
  assert.equal(codeOf(expired.signal.reason), Code.DEADLINE_EXCEEDED);
  assert.equal(closed.aborted, false);
});

test("LazyAbort.race: the abort rejects the step in flight; an abort that already happened wins over a settled step", async () => {
  const abort = new LazyAbort();
  const pending = abort.race(new Promise<never>(() => {}));
  abort.abort(new RpcError(Code.CANCELLED, "gone"));
  await assert.rejects(pending, /gone/);
  await assert.rejects(abort.race(Promise.resolve("answer")), /gone/);
  assert.equal(await new LazyAbort().race(Promise.resolve("answer")), "answer");
});

test("lazyContext reads the signal only when asked, and reads the one it was given", () => {
  let reads = 0;
  const signal = new AbortController().signal;
  const abort = new (class extends LazyAbort {
    override get signal(): AbortSignal {
      reads++;
      return signal;
    }
  })();
  const context = lazyContext("/lab.v1.ServiceA/SayHello", abort, 5, { a: "b" });
  assert.deepEqual([context.path, context.deadline, context.metadata, reads], ["/lab.v1.ServiceA/SayHello", 5, { a: "b" }, 0]);
  assert.equal(context.signal, signal);
  assert.equal(reads, 1);
});

test("watchCall: the caller's abort gives CANCELLED (or its own DEADLINE_EXCEEDED), the deadline DEADLINE_EXCEEDED, each at most once; stop() ends both", () => {
  const clock = new Scheduler({ startMs: 0 });
  const seen: Code[] = [];
  const controller = new AbortController();
  watchCall(clock, { signal: controller.signal, deadline: 50 }, (error) => seen.push(error.code));
  controller.abort(new Error("user pressed stop"));
  clock.advanceTo(60);
  assert.deepEqual([...seen], [Code.CANCELLED]);

  const own = new AbortController();
  watchCall(clock, { signal: own.signal, deadline: undefined }, (error) => seen.push(error.code));
  own.abort(new RpcError(Code.DEADLINE_EXCEEDED, "the caller's own deadline"));
  watchCall(clock, { signal: NEVER_ABORTED, deadline: 100 }, (error) => seen.push(error.code));
  assert.equal(getEventListeners(NEVER_ABORTED, "abort").length, 0, "nothing listens on the shared never-aborted signal");
  const stop = watchCall(clock, { signal: controller.signal, deadline: 100 }, (error) => seen.push(error.code));
  assert.deepEqual([...seen], [Code.CANCELLED, Code.DEADLINE_EXCEEDED, Code.CANCELLED], "an already aborted signal ends the call at once");
  stop();
  const quiet = new AbortController();
  const stopQuiet = watchCall(clock, { signal: quiet.signal, deadline: 100 }, (error) => seen.push(error.code));
  stopQuiet();
  quiet.abort();
  clock.advanceTo(200);
  assert.deepEqual([...seen], [Code.CANCELLED, Code.DEADLINE_EXCEEDED, Code.CANCELLED, Code.DEADLINE_EXCEEDED]);
});

/** Runs `body`, lets two turns of the event loop pass, and returns the unhandled rejections seen meanwhile. */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return unhandled;
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
}

test("LazyAbort.race on an already aborted call: the caller gets the reason, and the handler failing later is not an unhandled rejection", async () => {
  const unhandled = await unhandledDuring(async () => {
    const abort = new LazyAbort();
    abort.abort(new Error("deadline passed before the call arrived"));
    let fail!: (error: Error) => void;
    const handler = new Promise<never>((_, reject) => (fail = reject));
    await assert.rejects(abort.race(handler), /deadline passed/);
    fail(new Error("handler failed later"));
  });
  assert.deepEqual(unhandled, []);
});

test("LazyAbort.race: an abort mid-call rejects at once with the reason; the handler's later failure stays handled", async () => {
  const unhandled = await unhandledDuring(async () => {
    const abort = new LazyAbort();
    let fail!: (error: Error) => void;
    const raced = abort.race(new Promise<never>((_, reject) => (fail = reject)));
    abort.abort(new Error("cancelled"));
    await assert.rejects(raced, /cancelled/);
    fail(new Error("handler failed later"));
  });
  assert.deepEqual(unhandled, []);
});

test("LazyAbort.listen: told once at the abort without a signal being made; unlisten and a listen after the abort do nothing", () => {
  const abort = new LazyAbort();
  const heard: string[] = [];
  const a = { handleEvent: () => heard.push("a") };
  const b = { handleEvent: () => heard.push("b") };
  abort.listen(a);
  abort.listen(b);
  abort.unlisten(a);
  abort.abort(new RpcError(Code.CANCELLED, "gone"));
  abort.abort(new RpcError(Code.CANCELLED, "again"));
  abort.listen({ handleEvent: () => heard.push("late") });
  assert.deepEqual(heard, ["b"]);
});

test("LazyAbort.listen: listeners from before the signal was made move onto it, in order, ahead of the signal's own", () => {
  const abort = new LazyAbort();
  const heard: string[] = [];
  abort.listen({ handleEvent: () => heard.push("first") });
  abort.signal.addEventListener("abort", () => heard.push("on the signal"));
  abort.listen({ handleEvent: () => heard.push("after") });
  assert.equal(getEventListeners(abort.signal, "abort").length, 3);
  abort.abort(new RpcError(Code.CANCELLED, "gone"));
  assert.deepEqual(heard, ["first", "on the signal", "after"]);
});

test("a downstream call made with a handler's context is cancelled with it, and no AbortSignal is made unless read", async () => {
  const clock = new Scheduler({ startMs: 0 });
  const abort = new LazyAbort();
  const context = lazyContext("/p.S/M", abort, 1000, {});
  let made = 0;
  const Original = globalThis.AbortController;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      made++;
    }
  };
  try {
    const request = clientRequest(PagamentosDefinition, PagamentosDefinition.methods.processarPagamento, "/p.S/M", {}, context);
    const retried = withDeadline(request, 500);
    const ended: RpcError[] = [];
    const stop = watchCall(clock, retried, (error) => ended.push(error));
    abort.abort(new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded"));
    assert.deepEqual(ended.map((e) => e.code), [Code.DEADLINE_EXCEEDED], "the caller's own deadline passes through");
    stop();
    assert.equal(made, 0, "nobody read a signal");
    // A copy that brings its own signal (a hedged copy) is watched through that signal, not the handler's abort;
    // the spread reads the handler's signal (so a plain copy stays correct), which makes it, aborted with its reason.
    const own = new Original();
    const hedged = { ...withDeadline(request, 600), signal: own.signal };
    assert.equal(made, 1);
    assert.equal(codeOf(request.signal.reason), Code.DEADLINE_EXCEEDED);
    const copyEnded: Code[] = [];
    watchCall(clock, hedged, (error) => copyEnded.push(error.code));
    assert.deepEqual(copyEnded, [], "the handler's abort (already past) does not end the copy");
    own.abort();
    assert.deepEqual(copyEnded, [Code.CANCELLED]);
    // A plain spread (an interceptor changing the message) copies the signal itself and is watched through it.
    const plain = { ...request, message: { pedidoId: 2 } };
    assert.equal(plain.signal, request.signal);
    assert.equal(requestAbort(plain), undefined);
    assert.equal(requestAbort(request), abort);
    const plainEnded: Code[] = [];
    watchCall(clock, plain, (error) => plainEnded.push(error.code));
    assert.deepEqual(plainEnded, [Code.DEADLINE_EXCEEDED], "ended at once: the handler's signal has aborted");
  } finally {
    globalThis.AbortController = Original;
  }
});
