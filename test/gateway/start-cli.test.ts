/**
 * `npm start` as a process: it prints where everything listens, serves the
 * gateway and hortifruti's line protocol, and on SIGTERM writes its databases
 * to --data-dir, so a restart (here on another transport) keeps the orders.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { databaseFiles } from "../../src/gateway/data-dir.js";
import { postJson } from "../http/raw.js";
import { LineClient } from "../lab/line-client.js";
import { get } from "./http.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A running `src/cli/start.ts`, with its output so far. */
interface Started {
  readonly child: ChildProcess;
  readonly gateway: string;
  readonly socketPort: number;
  readonly output: () => string;
}

/** Spawns the CLI and waits until it says where the gateway listens. */
async function start(args: readonly string[]): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts", "--port", "0", "--socket-port", "0", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/Gateway P listening on \S+\n/.test(output)) return resolve();
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => reject(new Error(`start exited with ${code} before listening:\n${output}`)));
  });
  const gateway = /Gateway P listening on (http:\/\/\S+?)\/?\n/.exec(output)![1]!;
  const socketPort = Number(/line protocol \(seed 002\) on tcp [\d.]+:(\d+)/.exec(output)![1]);
  return { child, gateway, socketPort, output: () => output };
}

/** Sends SIGTERM and resolves with the exit code. */
function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.once("exit", (code) => resolve(code));
    started.child.kill("SIGTERM");
  });
}

describe("npm start (src/cli/start.ts)", () => {
  const running: Started[] = [];
  let dir = "";
  after(async () => {
    for (const started of running) if (started.child.exitCode === null) started.child.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("serves everything, and a restart from --data-dir keeps the orders and the stock", { timeout: 60_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "checkout-lab-start-"));
    const first = await start(["--data-dir", dir, "--seed", "2"]);
    running.push(first);
    assert.match(first.output(), /services over grpc; databases new, synthetic catalog of seed 2/);
    assert.match(first.output(), /pedidos\s+127\.0\.0\.1:\d+/);

    const placed = await postJson(`${first.gateway}/pedidos`, { cliente_id: 3, itens: [{ produto_id: 1, quantidade: 1 }], metodo_pagamento: "pix" });
    assert.equal(placed.status, 201, placed.text);
    const pedido = placed.json as { id: number; status: string };
    const produtos = (await get(`${first.gateway}/produtos`)).json;
    assert.equal((await get(`${first.gateway}/sum?a=2&b=2`)).text, "Soma de 2 + 2 = 4\n");

    // Seed 002's line protocol on its raw TCP port, through the same hortifruti service.
    const line = await LineClient.connect(first.socketPort);
    assert.equal(await line.request("3 Caju -10"), "Caju: R$2.00, Estoque: 50");
    assert.equal(await line.request("1 maca"), "Maca: R$3.00, Estoque: 20");
    assert.match((await line.request("banana")) ?? "", /^ERRO: /);
    assert.equal(await line.request("5"), "Encerrando conexão");
    await line.closed;

    assert.equal(await stop(first), 0, first.output());
    assert.match(first.output(), /databases written to/);
    assert.deepEqual((await readdir(dir)).sort(), databaseFiles().sort());

    const second = await start(["--data-dir", dir, "--transport", "http"]);
    running.push(second);
    assert.match(second.output(), /services over http; databases loaded from/);
    const again = (await get(`${second.gateway}/pedidos/${pedido.id}`)).json as { id: number; status: string };
    assert.deepEqual({ id: again.id, status: again.status }, { id: pedido.id, status: pedido.status });
    assert.deepEqual((await get(`${second.gateway}/produtos`)).json, produtos);
    assert.deepEqual((await get(`${second.gateway}/hortifruti/produtos/caju`)).json, { nome: "Caju", precoCentavos: 200, estoque: 50 });
    const next = (await postJson(`${second.gateway}/pedidos`, { cliente_id: 3, itens: [{ produto_id: 2, quantidade: 1 }], metodo_pagamento: "boleto" })).json as { id: number };
    assert.equal(next.id, pedido.id + 1);
    assert.equal(await stop(second), 0, second.output());
  });

  it("refuses a bad flag with the usage and exit status 2", { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts", "--transport", "smoke-signals"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--transport must be one of grpc, http, inproc, got "smoke-signals"/);
    assert.match(stderr, /usage: npm start/);
  });
});
