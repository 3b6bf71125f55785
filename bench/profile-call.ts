/**
 * Makes many SayHello calls on one transport, one at a time and then 32 in
 * flight, so `node --cpu-prof` can show where a call's time goes:
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=prof bench/profile-call.ts http 20000
 *   npx tsx bench/profile-summary.ts prof/*.cpuprofile
 *
 * Transports: grpc, http (the project's), raw-grpc, raw-http (the baselines).
 */
import { networkPair } from "./project-pairs.js";
import { startRawGrpc } from "./raw-grpc.js";
import { startRawHttp } from "./raw-http.js";
import type { RawPair } from "./raw-pair.js";

const STARTERS: Record<string, () => Promise<RawPair>> = {
  grpc: () => networkPair("grpc"),
  http: () => networkPair("http"),
  "raw-grpc": startRawGrpc,
  "raw-http": startRawHttp,
};

const which = process.argv[2] ?? "http";
const start = STARTERS[which];
if (!start) throw new Error(`transport must be one of ${Object.keys(STARTERS).join(", ")}, got ${which}`);
const calls = Number(process.argv[3] ?? 20000);
const pair = await start();
try {
  let started = performance.now();
  for (let i = 0; i < calls; i++) await pair.sayHello("profile");
  console.log(`${which}: ${(((performance.now() - started) * 1000) / calls).toFixed(1)} µs/call one at a time`);
  let left = calls;
  started = performance.now();
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (left-- > 0) await pair.sayHello("profile");
  }));
  console.log(`${which}: ${(((performance.now() - started) * 1000) / calls).toFixed(1)} µs/call with 32 in flight`);
} finally {
  await pair.close();
}
