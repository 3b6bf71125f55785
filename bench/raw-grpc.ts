/**
 * The raw gRPC baseline: what the seeds wrote. A plain @grpc/grpc-js server and
 * client built by @grpc/proto-loader from the same .proto files the project
 * uses, with no router, interceptors or call scopes in between.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { greeting } from "../src/lab/hello/greeter-service.js";
import type { RawPair } from "./raw-pair.js";

const PROTO_DIR = fileURLToPath(new URL("../proto", import.meta.url));

type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;
interface RawClients {
  a: grpc.Client & { sayHello(req: { name: string }, cb: Callback<{ message: string }>): void };
  b: grpc.Client & { streamNumbers(req: { count: number; delay_ms: number }): grpc.ClientReadableStream<{ value: number }> };
}

/** Starts a proto-loader grpc-js server for ServiceA (SayHello) and ServiceB (StreamNumbers, no delay) and clients to it. */
export async function startRawGrpc(): Promise<RawPair> {
  const definition = protoLoader.loadSync(["lab/v1/greeter.proto", "lab/v1/numbers.proto"], { includeDirs: [PROTO_DIR], keepCase: true, defaults: true });
  const lab = (grpc.loadPackageDefinition(definition) as unknown as { lab: { v1: Record<string, grpc.ServiceClientConstructor> } }).lab.v1;
  const server = new grpc.Server();
  server.addService(lab.ServiceA!.service, {
    sayHello: (call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, { message: greeting(call.request.name || "world") }),
  });
  server.addService(lab.ServiceB!.service, {
    streamNumbers: (call: grpc.ServerWritableStream<{ count: number }, unknown>) => {
      for (let value = 1; value <= call.request.count; value++) call.write({ value });
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const address = `127.0.0.1:${port}`;
  const clients = {
    a: new lab.ServiceA!(address, grpc.credentials.createInsecure()),
    b: new lab.ServiceB!(address, grpc.credentials.createInsecure()),
  } as unknown as RawClients;
  return {
    sayHello: (name) =>
      new Promise((resolve, reject) => clients.a.sayHello({ name }, (error, reply) => (error ? reject(error) : resolve(reply!.message)))),
    async streamNumbers(count) {
      let sum = 0;
      for await (const reply of clients.b.streamNumbers({ count, delay_ms: 0 })) sum += (reply as { value: number }).value;
      return sum;
    },
    async close() {
      clients.a.close();
      clients.b.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
