import { ServiceADefinition } from "../gen/lab/v1/greeter.js";
import { ServiceBDefinition } from "../gen/lab/v1/numbers.js";
import { GreeterService } from "../lab/hello/greeter-service.js";
import { NumbersService } from "../lab/hello/numbers-service.js";
import { NETWORK_HOSTS } from "../sim/network-hosts.js";
import type { Transport } from "../transports/call.js";
import { createClient, createInProcessTransport, createRouter } from "../transports/index.js";
import { loadClock } from "./load-clock.js";
import { LatencyHistogram } from "./histogram.js";
import type { LoadTarget, LoadTransport } from "./target.js";

/** Seed 001's k6 iteration: SayHello, then StreamNumbers(count 10, delay 5 ms) read to its end. */
export const HELLO_STREAM = { count: 10, delayMs: 5 } as const;

/** Options of {@link startHelloTarget}. */
export interface HelloTargetOptions {
  readonly transport: LoadTransport;
  /** Deadline of each call, ms. */
  readonly timeoutMs: number;
}

/** Greeter and Numbers behind one server of the transport (in this process, on loopback), and a client to them. */
export async function startHelloTarget(options: HelloTargetOptions): Promise<LoadTarget> {
  const clock = loadClock;
  const router = createRouter().service(ServiceADefinition, new GreeterService()).service(ServiceBDefinition, new NumbersService({ clock }));
  let transport: Transport;
  let close = async () => {};
  if (options.transport === "inproc") {
    transport = createInProcessTransport(router, { clock });
  } else {
    const host = NETWORK_HOSTS[options.transport]!;
    const server = await host.serve(router, { port: 0, clock });
    const client = host.connect(server.port, { clock });
    transport = client.transport;
    close = async () => {
      await client.close();
      await server.close();
    };
  }
  const a = createClient(ServiceADefinition, transport);
  const b = createClient(ServiceBDefinition, transport);
  const steps = new Map([
    ["/lab.v1.ServiceA/SayHello", new LatencyHistogram()],
    ["/lab.v1.ServiceB/StreamNumbers", new LatencyHistogram()],
  ]);
  return {
    async iteration() {
      // Deadlines on the transports' clock; latencies with performance.now's sub-ms resolution.
      let t0 = performance.now();
      await a.sayHello({ name: "pspd" }, { deadline: clock.now() + options.timeoutMs });
      const t1 = performance.now();
      steps.get("/lab.v1.ServiceA/SayHello")!.record(t1 - t0);
      t0 = t1;
      let n = 0;
      for await (const reply of b.streamNumbers(HELLO_STREAM, { deadline: clock.now() + options.timeoutMs })) n = reply.value;
      if (n !== HELLO_STREAM.count) throw new Error(`the stream ended at ${n} of ${HELLO_STREAM.count}`);
      steps.get("/lab.v1.ServiceB/StreamNumbers")!.record(performance.now() - t0);
      return "ok";
    },
    steps,
    resetSteps() {
      for (const key of steps.keys()) steps.set(key, new LatencyHistogram());
    },
    close,
  };
}
