import assert from "node:assert/strict";
import { test } from "node:test";
import { FrameInbox } from "../../src/sim/frame-inbox.js";
import { Code } from "../../src/transports/codes.js";
import { RpcError } from "../../src/transports/rpc-error.js";

const message = (seq: number) => ({ seq, kind: "message" as const, bytes: Uint8Array.of(seq) });
const deadline = () => new RpcError(Code.DEADLINE_EXCEEDED, "deadline exceeded");

test("a failure in the same turn as a frame wins, as for a paused caller whose reply and deadline are released together", async () => {
  const inbox = new FrameInbox();
  const read = inbox.next();
  inbox.put(message(0));
  inbox.fail(deadline());
  await assert.rejects(read, (error: unknown) => error instanceof RpcError && error.code === Code.DEADLINE_EXCEEDED);
});

test("a frame handed over before a later failure is read", async () => {
  const inbox = new FrameInbox();
  const read = inbox.next();
  inbox.put(message(0));
  await Promise.resolve();
  await Promise.resolve();
  inbox.fail(deadline());
  assert.equal((await read).seq, 0);
  await assert.rejects(inbox.next(), /deadline exceeded/);
});

test("frames are read in sequence order whatever order they land in; an error frame rejects with its code", async () => {
  const inbox = new FrameInbox();
  inbox.put(message(2));
  inbox.put(message(1));
  const first = inbox.next();
  inbox.put(message(0));
  inbox.put({ seq: 3, kind: "error", code: Code.NOT_FOUND, message: "pedido 9 not found" });
  assert.deepEqual([(await first).seq, (await inbox.next()).seq, (await inbox.next()).seq], [0, 1, 2]);
  await assert.rejects(inbox.next(), (error: unknown) => error instanceof RpcError && error.code === Code.NOT_FOUND);
});
