import assert from "node:assert/strict";
import { test } from "node:test";
import { createRandom } from "../../src/core/random.js";

// Expected values computed by an independent Python implementation of what
// RANDOM_ALGORITHM names (FNV-1a of "seed:key", splitmix32, xoshiro128**),
// so a run can be reproduced outside this code base.
test("the streams are xoshiro128** seeded by splitmix32 over FNV-1a, as RANDOM_ALGORITHM says", () => {
  const root = createRandom(42);
  const fork = root.fork("pagamentos");
  const numbered = createRandom("seed").fork(7);
  assert.deepEqual([root.next(), root.next(), root.next()], [0.7953329950105399, 0.051340130157768726, 0.8285165235865861]);
  assert.deepEqual([fork.next(), fork.next(), fork.next()], [0.975594298215583, 0.2787514680530876, 0.5275956499390304]);
  assert.deepEqual([numbered.int(1, 1000), numbered.int(1, 1000), numbered.int(1, 1000)], [850, 46, 770]);
});

test("a fork depends on the key, not on how far the parent has drawn", () => {
  const fresh = createRandom(42).fork("estoque").next();
  const drawn = createRandom(42);
  for (let i = 0; i < 10; i++) drawn.next();
  assert.equal(drawn.fork("estoque").next(), fresh);
  assert.notEqual(createRandom(42).fork("fiscal").next(), fresh);
});
