/**
 * gRPC server reflection, read the way grpcurl reads it: a client built only
 * from the standard reflection.proto lists the services and fetches the file
 * descriptors that describe them.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { credentials, loadPackageDefinition, type Client, type ClientDuplexStream } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { startGrpc, type GrpcFixture } from "./helpers.js";

const T = { timeout: 10_000 };
const reflectionProtos = join(dirname(createRequire(import.meta.url).resolve("@grpc/reflection")), "../proto");

type ReflectionClient = Client & { ServerReflectionInfo(): ClientDuplexStream<object, ReflectionReply> };
interface ReflectionReply {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** Sends one reflection request and reads its one answer. */
function ask(client: ReflectionClient, request: object): Promise<ReflectionReply> {
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo();
    call.once("data", (reply: ReflectionReply) => {
      resolve(reply);
      call.end();
    });
    call.once("error", reject);
    call.write(request);
  });
}

describe("grpc transport: server reflection", () => {
  let fx: GrpcFixture;
  let client: ReflectionClient;
  before(async () => {
    fx = await startGrpc();
    const pkg = loadSync("grpc/reflection/v1/reflection.proto", { includeDirs: [reflectionProtos] });
    const Reflection = (loadPackageDefinition(pkg) as any).grpc.reflection.v1.ServerReflection;
    client = new Reflection(fx.server.address, credentials.createInsecure());
  });
  after(async () => {
    client?.close();
    await fx?.close();
  });

  it("lists the served services and health", T, async () => {
    const reply = await ask(client, { listServices: "" });
    const names = reply.listServicesResponse!.service.map((s) => s.name).sort();
    assert.ok(names.includes("lab.v1.Conformance"), names.join(", "));
    assert.ok(names.includes("grpc.health.v1.Health"), names.join(", "));
    assert.ok(!names.includes("ecommerce.v1.Pagamentos"), "only what this server serves");
  });

  it("describes a served service with its file descriptor", T, async () => {
    const reply = await ask(client, { fileContainingSymbol: "lab.v1.Conformance" });
    const files = reply.fileDescriptorResponse!.fileDescriptorProto;
    assert.ok(files.length > 0);
    // @grpc/reflection describes a package as one file (lab_v1.proto) holding its messages and services.
    const text = files.map((bytes) => bytes.toString("latin1")).join("");
    assert.match(text, /lab\.v1/);
    assert.match(text, /Conformance/);
    assert.match(text, /EchoRequest/);
  });

  it("answers NOT_FOUND for a symbol it does not know", T, async () => {
    const reply = await ask(client, { fileContainingSymbol: "nope.v1.Nothing" });
    assert.equal(reply.errorResponse?.errorCode, 5);
  });

  it("is off when the options say so", T, async () => {
    const bare = await startGrpc({ reflection: false });
    const pkg = loadSync("grpc/reflection/v1/reflection.proto", { includeDirs: [reflectionProtos] });
    const Reflection = (loadPackageDefinition(pkg) as any).grpc.reflection.v1.ServerReflection;
    const other: ReflectionClient = new Reflection(bare.server.address, credentials.createInsecure());
    try {
      await assert.rejects(ask(other, { listServices: "" }), /UNIMPLEMENTED/);
    } finally {
      other.close();
      await bare.close();
    }
  });
});
