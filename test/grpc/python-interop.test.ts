/**
 * The wire is standard gRPC: a Python client (Debian's python3-grpcio, no
 * generated code, requests encoded by hand) calls the lab's gRPC server.
 * Skipped where `import grpc` fails in every Python at hand.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { HealthCheckResponse } from "../../src/gen/grpc/health/v1/health.js";
import { CountResponse, EchoResponse } from "../../src/gen/lab/v1/conformance.js";
import { Code } from "../../src/transports/codes.js";
import { startGrpc, type GrpcFixture } from "./helpers.js";

/** The first Python that can `import grpc` (a pyenv shim may hide Debian's). */
const python = ["python3", "/usr/bin/python3"].find((exe) => spawnSync(exe, ["-c", "import grpc"], { stdio: "ignore" }).status === 0);

const SCRIPT = String.raw`
import json, sys, grpc

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def field_varint(num, n):
    return varint(num << 3) + varint(n)

def field_bytes(num, data):
    return varint((num << 3) | 2) + varint(len(data)) + data

channel = grpc.insecure_channel(sys.argv[1])
raw = lambda path: channel.unary_unary(path)
result = {}

echo = field_bytes(1, "olá do Python 🐍".encode()) + field_varint(2, 42) + field_bytes(5, b"x-py")
reply, call = raw("/lab.v1.Conformance/Echo").with_call(echo, timeout=5, metadata=[("x-py", "snake")])
result["echo"] = reply.hex()

try:
    raw("/lab.v1.Conformance/Fail")(field_varint(1, 5) + field_bytes(2, "pedido 7 não encontrado".encode()), timeout=5)
except grpc.RpcError as e:
    result["fail"] = [e.code().value[0], e.details()]

result["count"] = [m.hex() for m in channel.unary_stream("/lab.v1.Conformance/Count")(field_varint(1, 3), timeout=5)]
result["health"] = raw("/grpc.health.v1.Health/Check")(b"", timeout=5).hex()

try:
    raw("/lab.v1.Nowhere/Missing")(b"", timeout=5)
except grpc.RpcError as e:
    result["unknown"] = e.code().value[0]

try:
    raw("/lab.v1.Conformance/Sleep")(field_varint(1, 5000), timeout=0.2)
except grpc.RpcError as e:
    result["deadline"] = e.code().value[0]

print(json.dumps(result))
`;

describe("grpc transport: a Python grpcio client", () => {
  let fx: GrpcFixture;
  before(async () => {
    fx = await startGrpc();
  });
  after(async () => {
    await fx?.close();
  });

  it("calls unary and streaming methods, gets status codes, health and deadlines", { timeout: 15_000 }, async (t) => {
    if (python === undefined) return t.skip("no Python with grpcio (apt-get install python3-grpcio)");
    const { stdout } = await promisify(execFile)(python, ["-c", SCRIPT, fx.server.address], { timeout: 12_000 });
    const result = JSON.parse(stdout) as { echo: string; fail: [number, string]; count: string[]; health: string; unknown: number; deadline: number };

    const echo = EchoResponse.decode(Buffer.from(result.echo, "hex"));
    assert.equal(echo.text, "olá do Python 🐍");
    assert.equal(echo.number, 42);
    assert.equal(echo.metadataValue, "snake");
    assert.equal(echo.path, "/lab.v1.Conformance/Echo");
    assert.ok(echo.deadlineRemainingMs > 4000 && echo.deadlineRemainingMs <= 5000, `handler saw ${echo.deadlineRemainingMs} ms of Python's 5 s timeout`);
    assert.deepEqual(result.fail, [Code.NOT_FOUND, "pedido 7 não encontrado"]);
    assert.deepEqual(result.count.map((hex) => CountResponse.decode(Buffer.from(hex, "hex")).n), [1, 2, 3]);
    assert.equal(HealthCheckResponse.decode(Buffer.from(result.health, "hex")).status, 1, "SERVING");
    assert.equal(result.unknown, Code.UNIMPLEMENTED);
    assert.equal(result.deadline, Code.DEADLINE_EXCEEDED);
  });
});
