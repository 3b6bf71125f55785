import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";

const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "sim-cli-"));
after(() => rmSync(work, { recursive: true, force: true }));

function sim(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/sim.ts"), ...args], { cwd: root, encoding: "utf8" });
}

function hasSqlite3(): boolean {
  return spawnSync("sqlite3", ["-version"]).status === 0;
}

describe("npm run sim", () => {
  test("writes the JSON report and one real SQLite file per service, exit 0", (t) => {
    const json = join(work, "a.json");
    const dbDir = join(work, "dbs");
    const run = sim(["--orders", "60", "--seed", "3", "--json", json, "--db-dir", dbDir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /every invariant holds/);
    const report = JSON.parse(readFileSync(json, "utf8"));
    for (const field of ["seed", "scenario", "transport", "orders", "invariants", "traceHash", "latencyMs", "virtualMs", "wallMs"]) {
      assert.ok(field in report, `report has ${field}`);
    }
    assert.equal(report.seed, 3);
    assert.equal(report.orders.placed, 60);
    assert.equal(report.orders.requested, 60);
    assert.equal(report.orders.notPlaced, 0);
    assert.deepEqual(Object.keys(report.latencyMs).sort(), ["max", "p50", "p90", "p99"]);
    for (const service of ["pedidos", "pagamentos", "estoque", "fiscal", "logistica", "catalogo"]) {
      assert.ok(existsSync(join(dbDir, `${service}.db`)), `${service}.db written`);
    }
    if (!hasSqlite3()) return t.skip("sqlite3 is not installed");
    const count = execFileSync("sqlite3", [join(dbDir, "pedidos.db"), "SELECT COUNT(*) FROM pedidos"], { encoding: "utf8" });
    assert.equal(count.trim(), "60");
  });

  test("bad flags exit 2 with a message naming the flag", () => {
    for (const [args, pattern] of [
      [["--orders", "0"], /--orders must be an integer in 1\.\.1000000/],
      [["--orders", "abc"], /--orders must be an integer/],
      [["--transport", "carrier-pigeon"], /--transport must be one of/],
      [["--scenario", "nope"], /--scenario "nope" is neither a known scenario/],
      [["--bogus"], /Unknown option '--bogus'/],
      [["--scenario", "constructor"], /--scenario "constructor" is neither a known scenario/],
      [["--routing", "proxy"], /--routing proxy needs the sim transport and a replicated service/],
      [["--compare-balancers"], /--compare-balancers needs a replicated service/],
      // Output paths are checked before the run, not after it.
      [["--json", "package.json/report.json"], /--json: cannot write to "package.json"/],
      [["--db-dir", "package.json/dbs"], /--db-dir: cannot write to "package.json\/dbs"/],
    ] as const) {
      const run = sim([...args]);
      assert.equal(run.status, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
    }
  });

  test("a bad plan file exits 2 naming every wrong field, and the workload's node cannot crash", () => {
    const plan = join(work, "bad-plan.json");
    writeFileSync(
      plan,
      JSON.stringify({
        faults: [
          { at: 5, kind: "crash", target: "cliente", restartAfter: 100 },
          { at: 5, kind: "pause", target: "tesouraria", duration: 10 },
          { at: -1, kind: "drop", from: "*", to: "*", probability: 2, duration: 10 },
        ],
      }),
    );
    const run = sim(["--scenario", plan]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /faults\[2\]\.at/);
    assert.match(run.stderr, /faults\[2\]\.probability/);
    // Schema problems come first; once the schema holds, the node names are checked.
    const names = join(work, "bad-names.json");
    writeFileSync(names, JSON.stringify({ faults: [{ at: 5, kind: "crash", target: "cliente", restartAfter: 100 }, { at: 5, kind: "pause", target: "tesouraria", duration: 10 }] }));
    const second = sim(["--scenario", names]);
    assert.equal(second.status, 2, second.stderr);
    assert.match(second.stderr, /faults\[0\]\.target: "cliente" runs the workload and cannot crash/);
    assert.match(second.stderr, /faults\[1\]\.target: unknown node "tesouraria"/);
    // A plan cannot get around the flags' limits, nor hang the run with a fault that never heals.
    const huge = join(work, "huge.json");
    writeFileSync(
      huge,
      JSON.stringify({
        run: { orders: 100_000_000, seed: 2 ** 53 - 1 },
        faults: [
          { at: 0, kind: "crash", target: "pagamentos", restartAfter: 1e9 },
          { at: 0, kind: "latency", from: "*", to: "*", duration: 5, distribution: { kind: "fixed", ms: 1, jitter: 99 } },
        ],
      }),
    );
    const third = sim(["--scenario", huge]);
    assert.equal(third.status, 2, third.stderr);
    for (const field of [/run\.orders: Too big/, /run\.seed: Too big/, /faults\[0\]\.restartAfter: Too big/, /faults\[1\]\.distribution: Unrecognized key: "jitter"/]) assert.match(third.stderr, field);
  });

  test("--list names the scenarios", () => {
    const run = sim(["--list"]);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^baseline\s+/m);
  });
});
