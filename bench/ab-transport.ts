/**
 * A project transport against its raw baseline in interleaved A/B rounds
 * (see ab-rounds.ts), from the command line:
 *
 *   npx tsx bench/ab-transport.ts [--transport http|grpc] [--call unary|stream|both] [--rounds 20] [--calls 2000] [--in-flight K]
 *
 * `--in-flight K` times K calls in flight instead of one at a time (1, the default).
 */
import { intFlag, parseFlags, runCli } from "../src/cli/args.js";
import { abRatio, callKindsFlag, callOf, describeSpread, transportFlag } from "./ab-rounds.js";
import { networkPair } from "./project-pairs.js";
import { startRawGrpc } from "./raw-grpc.js";
import { startRawHttp } from "./raw-http.js";

const USAGE = `usage: npx tsx bench/ab-transport.ts [--transport http|grpc] [--call unary|stream|both] [--rounds N] [--calls N] [--in-flight K] [--stream-count N]`;

const PAIRS = {
  http: { raw: startRawHttp, own: () => networkPair("http") },
  grpc: { raw: startRawGrpc, own: () => networkPair("grpc") },
} as const;

await runCli("ab-transport", USAGE, async () => {
  const values = parseFlags(process.argv.slice(2), {
    transport: { type: "string" },
    call: { type: "string" },
    rounds: { type: "string" },
    calls: { type: "string" },
    "in-flight": { type: "string" },
    "stream-count": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const name = transportFlag(values.transport);
  const kinds = callKindsFlag(values.call);
  const rounds = intFlag("rounds", values.rounds, 1, 1000, 20);
  const calls = intFlag("calls", values.calls, 1, 1_000_000, 2000);
  const inFlight = intFlag("in-flight", values["in-flight"], 1, 1024, 1);
  const streamCount = intFlag("stream-count", values["stream-count"], 1, 1000, 10);
  const raw = await PAIRS[name].raw();
  const own = await PAIRS[name].own();
  try {
    for (const kind of kinds) {
      const result = await abRatio(callOf(raw, kind, streamCount), callOf(own, kind, streamCount), { rounds, calls, inFlight });
      const mode = inFlight > 1 ? `${inFlight} in flight` : "one at a time";
      console.log(`${name} ${kind} (${mode}, ${rounds} x ${calls} calls per side), project/raw:`);
      console.log(`  wall ${describeSpread(result.wall)}`);
      console.log(`  cpu  ${describeSpread(result.cpu)}`);
    }
  } finally {
    await own.close();
    await raw.close();
  }
  return 0;
});
