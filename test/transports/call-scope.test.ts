import assert from "node:assert/strict";
import { test } from "node:test";
import { raceAbort } from "../../src/transports/call-scope.js";

test("raceAbort on an already aborted signal: the caller gets the reason, and the handler failing later is not an unhandled rejection", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const controller = new AbortController();
    controller.abort(new Error("deadline passed before the call arrived"));
    let fail!: (error: Error) => void;
    const handler = new Promise<never>((_, reject) => (fail = reject));
    await assert.rejects(raceAbort(handler, controller.signal), /deadline passed/);
    fail(new Error("handler failed later"));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("raceAbort: an abort mid-call rejects at once with the reason; the handler's later failure stays handled", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const controller = new AbortController();
    let fail!: (error: Error) => void;
    const raced = raceAbort(new Promise<never>((_, reject) => (fail = reject)), controller.signal);
    controller.abort(new Error("cancelled"));
    await assert.rejects(raced, /cancelled/);
    fail(new Error("handler failed later"));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});
