import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRandom } from "../../src/core/random.js";
import { HortifrutiService } from "../../src/lab/hortifruti/hortifruti-service.js";
import { openHortifrutiStore } from "../../src/lab/hortifruti/hortifruti-store.js";
import { startHortifrutiSocketServer } from "../../src/lab/hortifruti/socket-server.js";
import { waitFor } from "./helpers.js";
import { LineClient } from "./line-client.js";

const T = { timeout: 10_000 };
const ALL = "Maca: R$3.00, Estoque: 20; Pera: R$5.00, Estoque: 15; Banana: R$10.00, Estoque: 30; Caju: R$2.00, Estoque: 60";

async function startServer(options: { maxPendingLines?: number } = {}) {
  const store = await openHortifrutiStore();
  const service = new HortifrutiService({ store });
  const unexpected: unknown[] = [];
  const server = await startHortifrutiSocketServer({ service, onUnexpectedError: (e) => unexpected.push(e), ...options });
  return { store, service, server, unexpected };
}

describe("the hortifruti socket server", () => {
  let fx: Awaited<ReturnType<typeof startServer>>;
  const clients: LineClient[] = [];
  const open = async () => {
    const client = await LineClient.connect(fx.server.port);
    clients.push(client);
    return client;
  };

  before(async () => {
    fx = await startServer();
  });
  after(async () => {
    for (const client of clients) client.socket.destroy();
    await fx?.server.close();
  });

  it("listens on 127.0.0.1 and a free port by default", () => {
    assert.equal(fx.server.host, "127.0.0.1");
    assert.ok(fx.server.port > 0);
  });

  it("answers each command with one line, calling the same service instance", T, async () => {
    const c = await open();
    assert.equal(await c.request("4"), ALL);
    assert.equal(await c.request("1 Maca"), "Maca: R$3.00, Estoque: 20");
    assert.equal(await c.request("1 banana"), "Banana: R$10.00, Estoque: 30");
    assert.equal(await c.request("1 Kiwi"), 'ERRO: produto "Kiwi" not found');
    assert.equal(await c.request("2 8"), "Maca: R$3.00, Estoque: 20; Pera: R$5.00, Estoque: 15; Caju: R$2.00, Estoque: 60");
    assert.equal(await c.request("2 2,00"), "Caju: R$2.00, Estoque: 60");
    assert.equal(await c.request("2 1.99"), "Nenhum produto encontrado");
    assert.equal(await c.request("3 Caju -20"), "Caju: R$2.00, Estoque: 40");
    assert.equal(await c.request("3 Caju -41"), "ERRO: insufficient stock of Caju: 40 available, cannot remove 41");
    assert.equal(await c.request("3 Caju 20"), "Caju: R$2.00, Estoque: 60");
    assert.equal(await c.request("3 Caju 5000000"), "ERRO: delta must be an integer in -1000000..1000000, got 5000000");
    assert.equal(await c.request("3 Caju -5\r"), "Caju: R$2.00, Estoque: 55");
    // The socket server and a direct caller see one store: it is the same service.
    assert.equal((await fx.service.consultarProduto({ nome: "Caju" })).estoque, 55);
    await fx.service.atualizarEstoque({ nome: "Caju", delta: 5 });
    assert.equal(await c.request("1 Caju"), "Caju: R$2.00, Estoque: 60");
    assert.equal(await c.request("5"), "Encerrando conexão");
    await c.closed;
    assert.equal(await c.next(), undefined);
  });

  it("answers malformed lines with ERRO and keeps the connection open", T, async () => {
    const c = await open();
    const cases: Array<[string, RegExp]> = [
      ["9", /^ERRO: unknown command "9"; commands: 1 NAME \| 2 PRICE \| 3 NAME DELTA \| 4 \| 5$/],
      ["", /^ERRO: empty line/],
      ["   \t ", /^ERRO: empty line/],
      ["1", /^ERRO: command 1 takes 1 argument: 1 NAME$/],
      ["1 Maca extra", /^ERRO: command 1 takes 1 argument/],
      ["2 abc", /^ERRO: PRICE must be an amount in reais like 8, 8.5 or 8,50, got "abc"$/],
      ["2 -1", /^ERRO: PRICE must be/],
      ["3 Caju", /^ERRO: command 3 takes 2 arguments: 3 NAME DELTA$/],
      ["3 Caju muitos", /^ERRO: DELTA must be an integer like 10 or -5, got "muitos"$/],
      ["3 Caju 1.5", /^ERRO: DELTA must be an integer/],
      ["4 todos", /^ERRO: command 4 takes no arguments/],
      ["5 agora", /^ERRO: command 5 takes no arguments/],
      ["\u001b[2J", /^ERRO: unknown command "\\u001b\[2J"/],
      ["1 Ma\u0007ca", /^ERRO: nome must not contain control characters$/],
      [`1 ${"x".repeat(200)}`, /^ERRO: nome must be at most 100 characters, got 200$/],
    ];
    for (const [line, reply] of cases) assert.match((await c.request(line))!, reply, JSON.stringify(line));
    c.write(Buffer.from([0x31, 0x20, 0xff, 0xfe, 0x0a]));
    assert.equal(await c.next(), "ERRO: line is not valid UTF-8");
    c.write(Buffer.from([0x31, 0x20, 0xc3, 0x0a])); // a truncated 2-byte sequence
    assert.equal(await c.next(), "ERRO: line is not valid UTF-8");
    assert.equal(await c.request("4"), ALL, "still serving the same connection");
    await c.end();
  });

  it("survives random bytes, a 10 KiB line and empty lines, one reply per line", T, async () => {
    const c = await open();
    const random = createRandom("socket-garbage");
    const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, () => random.int(0, 255)));
    const lines = garbage.toString("latin1").split("\n").length - 1;
    // Sent in odd-sized pieces so lines straddle chunks.
    for (let i = 0; i < garbage.length; i += 1000) c.write(garbage.subarray(i, i + 1000));
    // Ends the partial line the garbage left open, then asks for the list.
    c.write("\n4\n");
    const replies = await c.take(lines + 2);
    assert.ok(replies.slice(0, lines + 1).every((r) => r?.startsWith("ERRO: ")), "every garbage line is an ERRO");
    assert.equal(replies.at(-1), ALL);

    c.write(`4${" ".repeat(10 * 1024)}x\n`);
    assert.equal(await c.next(), "ERRO: line longer than 4096 bytes");
    // 10 KiB in 1 KiB pieces, without a newline until the end.
    for (let i = 0; i < 10; i++) c.write("y".repeat(1024));
    c.write("\n");
    assert.equal(await c.next(), "ERRO: line longer than 4096 bytes");
    // 4096 bytes is still a line (here an unknown command), 4097 is not.
    assert.match((await c.request("9".repeat(4096)))!, /^ERRO: unknown command "9{40}…"/);
    assert.equal(await c.request("9".repeat(4097)), "ERRO: line longer than 4096 bytes");

    c.write("\n\n\r\n");
    assert.deepEqual(await c.take(3), Array(3).fill("ERRO: empty line; commands: 1 NAME | 2 PRICE | 3 NAME DELTA | 4 | 5"));
    assert.equal(await c.request("1 Pera"), "Pera: R$5.00, Estoque: 15");
    assert.deepEqual(fx.unexpected, []);
    await c.end();
  });

  it("answers pipelined lines in order, and every line of a client that half-closes", T, async () => {
    const c = await open();
    const many = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? "1 Maca" : "2 2")).join("\n") + "\n";
    c.write(many);
    const replies = await c.take(300);
    replies.forEach((r, i) => assert.equal(r, i % 2 === 0 ? "Maca: R$3.00, Estoque: 20" : "Caju: R$2.00, Estoque: 60", `reply ${i}`));
    await c.end();

    const h = await open();
    h.write("1 Pera\n4\n9");
    h.socket.end();
    assert.deepEqual(await h.take(2), ["Pera: R$5.00, Estoque: 15", ALL]);
    await h.closed;
    assert.equal(await h.next(), undefined, "the unterminated last line is not a command");
  });

  it("stops reading at 5: later lines of the same write are not run", T, async () => {
    const c = await open();
    c.write("1 Maca\n5\n3 Maca -20\n");
    assert.deepEqual(await c.take(3), ["Maca: R$3.00, Estoque: 20", "Encerrando conexão", undefined]);
    assert.equal((await fx.service.consultarProduto({ nome: "Maca" })).estoque, 20);
  });

  it("serves 50 clients at once, keeping the stock exact", T, async () => {
    const before = (await fx.service.consultarProduto({ nome: "Banana" })).estoque;
    assert.equal(before, 30);
    const sessions = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const c = await open();
        const replies = [
          await c.request("1 Maca"),
          await c.request("3 Banana -1"),
          await c.request(`2 ${i % 2 === 0 ? "5" : "2,5"}`),
          await c.request("4 oops"),
          await c.request("5"),
        ];
        await c.closed;
        return { i, replies };
      }),
    );
    let removed = 0;
    for (const { i, replies } of sessions) {
      assert.equal(replies[0], "Maca: R$3.00, Estoque: 20");
      if (replies[1]!.startsWith("Banana: ")) removed++;
      else assert.equal(replies[1], "ERRO: insufficient stock of Banana: 0 available, cannot remove 1");
      assert.equal(
        replies[2],
        i % 2 === 0 ? "Maca: R$3.00, Estoque: 20; Pera: R$5.00, Estoque: 15; Caju: R$2.00, Estoque: 60" : "Caju: R$2.00, Estoque: 60",
      );
      assert.match(replies[3]!, /^ERRO: command 4 takes no arguments/);
      assert.equal(replies[4], "Encerrando conexão");
    }
    assert.equal(removed, 30, "exactly the 30 bananas in stock were removed");
    assert.equal((await fx.service.consultarProduto({ nome: "Banana" })).estoque, 0);
    await waitFor(() => fx.server.connectionCount() === 0, "every session to close");
  });

  it("is still serving after all of that", T, async () => {
    const c = await open();
    assert.equal(await c.request("1 Banana"), "Banana: R$10.00, Estoque: 0");
    assert.equal(await c.request("3 Banana 30"), "Banana: R$10.00, Estoque: 30");
    assert.equal(await c.request("5"), "Encerrando conexão");
    assert.deepEqual(fx.unexpected, []);
  });
});

describe("closing the hortifruti socket server", () => {
  it("ends every open connection and stops accepting", T, async () => {
    const { server } = await startServer();
    let closed = false;
    try {
      const clients = await Promise.all(Array.from({ length: 5 }, () => LineClient.connect(server.port)));
      assert.equal(await clients[0]!.request("4"), ALL);
      await waitFor(() => server.connectionCount() === 5, "5 connections");
      await server.close();
      closed = true;
      await Promise.all(clients.map((c) => c.closed));
      assert.equal(server.connectionCount(), 0);
      await assert.rejects(LineClient.connect(server.port), /ECONNREFUSED/);
    } finally {
      if (!closed) await server.close();
    }
  });

  it("destroys a connection whose client never closes its side, after the grace period", T, async () => {
    const store = await openHortifrutiStore();
    const server = await startHortifrutiSocketServer({ service: new HortifrutiService({ store }), closeGraceMs: 50 });
    const c = await LineClient.connect(server.port);
    // A client that keeps its side open after the server's FIN.
    c.socket.allowHalfOpen = true;
    try {
      assert.equal(await c.request("1 Caju"), "Caju: R$2.00, Estoque: 60");
      const start = performance.now();
      await server.close();
      const took = performance.now() - start;
      assert.ok(took >= 40 && took < 2000, `closed after ${took} ms, the grace period being 50 ms`);
      assert.equal(server.connectionCount(), 0);
    } finally {
      c.socket.destroy();
      await server.close();
    }
  });

  it("closes a connection that stays silent past the idle timeout", T, async () => {
    const store = await openHortifrutiStore();
    const server = await startHortifrutiSocketServer({ service: new HortifrutiService({ store }), idleTimeoutMs: 50 });
    try {
      const c = await LineClient.connect(server.port);
      assert.equal(await c.request("1 Pera"), "Pera: R$5.00, Estoque: 15");
      assert.equal(await c.next(), "ERRO: idle timeout, closing");
      await c.closed;
      await waitFor(() => server.connectionCount() === 0, "the idle connection to close");
    } finally {
      await server.close();
    }
  });
});
