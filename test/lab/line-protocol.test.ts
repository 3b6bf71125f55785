import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineReader, type LineEvent } from "../../src/lab/hortifruti/line-reader.js";
import { formatLista, formatReais, parseCommand, parseReais, toReplyLine } from "../../src/lab/hortifruti/line-protocol.js";

const show = (events: LineEvent[]) => events.map((e) => (e.kind === "line" ? e.bytes.toString("latin1") : "<too-long>"));

describe("the hortifruti line protocol", () => {
  it("parses each command with its arguments", () => {
    assert.deepEqual(parseCommand("1 Maca"), { ok: true, command: { kind: "consultar", nome: "Maca" } });
    assert.deepEqual(parseCommand("  2\t8,5 "), { ok: true, command: { kind: "por-preco", precoMaximoCentavos: 850 } });
    assert.deepEqual(parseCommand("3 Caju -20"), { ok: true, command: { kind: "atualizar", nome: "Caju", delta: -20 } });
    assert.deepEqual(parseCommand("3 Caju +7"), { ok: true, command: { kind: "atualizar", nome: "Caju", delta: 7 } });
    assert.deepEqual(parseCommand("4"), { ok: true, command: { kind: "listar" } });
    assert.deepEqual(parseCommand("5"), { ok: true, command: { kind: "sair" } });
  });

  it("refuses unknown commands, wrong argument counts and malformed numbers", () => {
    const error = (line: string) => {
      const parsed = parseCommand(line);
      assert.ok(!parsed.ok, `${JSON.stringify(line)} should be refused`);
      return parsed.error;
    };
    assert.match(error(""), /^empty line/);
    assert.match(error("   "), /^empty line/);
    assert.match(error("6"), /^unknown command "6"/);
    assert.match(error("01"), /^unknown command "01"/);
    assert.match(error("consultar Maca"), /^unknown command "consultar"/);
    assert.match(error("1"), /^command 1 takes 1 argument: 1 NAME/);
    assert.match(error("1 Maca Pera"), /^command 1 takes 1 argument/);
    assert.match(error("2"), /^command 2 takes 1 argument: 2 PRICE/);
    assert.match(error("3 Caju"), /^command 3 takes 2 arguments: 3 NAME DELTA/);
    assert.match(error("3 Caju 1 2"), /^command 3 takes 2 arguments/);
    assert.match(error("4 all"), /^command 4 takes no arguments/);
    assert.match(error("5 now"), /^command 5 takes no arguments/);
    for (const price of ["abc", "-1", "1e3", "8.505", "8.", ".5", "1,000.00", "NaN", "Infinity", "0x10", "1234567890"]) {
      assert.match(error(`2 ${price}`), /^PRICE must be an amount in reais/, price);
    }
    for (const delta of ["x", "1.5", "--1", "1e2", "1234567890"]) {
      assert.match(error(`3 Caju ${delta}`), /^DELTA must be an integer/, delta);
    }
    assert.equal(error(`9${"x".repeat(100)}`), `unknown command "9${"x".repeat(39)}…"; commands: 1 NAME | 2 PRICE | 3 NAME DELTA | 4 | 5`);
  });

  it("reads reais as exact centavos and writes them back", () => {
    assert.equal(parseReais("8"), 800);
    assert.equal(parseReais("8.5"), 850);
    assert.equal(parseReais("8,05"), 805);
    assert.equal(parseReais("0.1"), 10);
    assert.equal(parseReais("999999999.99"), 99_999_999_999);
    assert.equal(formatReais(300), "3.00");
    assert.equal(formatReais(5), "0.05");
    assert.equal(formatReais(123456), "1234.56");
    assert.equal(formatLista([]), "Nenhum produto encontrado");
    assert.equal(
      formatLista([
        { nome: "Maca", precoCentavos: 300, estoque: 20 },
        { nome: "Caju", precoCentavos: 200, estoque: 60 },
      ]),
      "Maca: R$3.00, Estoque: 20; Caju: R$2.00, Estoque: 60",
    );
  });

  it("keeps every reply on one line and free of control characters", () => {
    assert.equal(toReplyLine("a\nb\r\u001b[31m\u2028ç"), "a\\u000ab\\u000d\\u001b[31m\\u2028ç");
  });

  it("splits lines across chunks, drops \\r before \\n and reports each overlong line once", () => {
    const reader = new LineReader(8);
    assert.deepEqual(show(reader.push(Buffer.from("4\n1 Ma"))), ["4"]);
    assert.deepEqual(show(reader.push(Buffer.from("ca\r\n\n"))), ["1 Maca", ""]);
    assert.deepEqual(show(reader.push(Buffer.from("12345678\r\n123456789\n"))), ["12345678", "<too-long>"]);
    // An overlong line is reported as soon as it is too long even for a \r\n ending, and its rest is dropped up to its \n.
    assert.deepEqual(show(reader.push(Buffer.from("123456789"))), []);
    assert.deepEqual(show(reader.push(Buffer.from("0"))), ["<too-long>"]);
    assert.deepEqual(show(reader.push(Buffer.from("x".repeat(100)))), []);
    assert.deepEqual(show(reader.push(Buffer.from("yyy\n4\n"))), ["4"]);
    // Exactly at the limit with a \r: still a line. One over with a \r: too long.
    assert.deepEqual(show(reader.push(Buffer.from("abcdefgh\r"))), []);
    assert.deepEqual(show(reader.push(Buffer.from("\nabcdefghi\r\n"))), ["abcdefgh", "<too-long>"]);
    // A lone \r inside a line is kept (the UTF-8/command checks deal with it).
    assert.deepEqual(show(reader.push(Buffer.from("a\rb\n"))), ["a\rb"]);
  });

  it("splits byte by byte the same way", () => {
    const input = Buffer.from("1 Maca\r\n" + "z".repeat(20) + "\n\n4\n");
    const reader = new LineReader(8);
    const events: LineEvent[] = [];
    for (const byte of input) events.push(...reader.push(Buffer.from([byte])));
    assert.deepEqual(show(events), ["1 Maca", "<too-long>", "", "4"]);
  });
});
