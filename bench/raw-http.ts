/**
 * The raw HTTP baseline: a plain node:http server answering JSON (and NDJSON
 * for the stream) and an undici Pool client with keep-alive, on the same paths
 * and bodies as the project's HTTP transport, with nothing in between.
 */
import { createServer } from "node:http";
import { Pool } from "undici";
import { greeting } from "../src/lab/hello/greeter-service.js";
import type { RawPair } from "./raw-pair.js";

const HELLO = "/lab.v1.ServiceA/SayHello";
const NUMBERS = "/lab.v1.ServiceB/StreamNumbers";
const JSON_HEADERS = { "content-type": "application/json" };

/** Starts a node:http server with the two routes and an undici Pool to it. */
export async function startRawHttp(): Promise<RawPair> {
  const server = createServer({ keepAlive: true }, (req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const request = JSON.parse(body || "{}") as { name?: string; count?: number };
      if (req.url === HELLO) {
        const answer = JSON.stringify({ message: greeting(request.name || "world") });
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(answer) });
        res.end(answer);
      } else if (req.url === NUMBERS) {
        res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8" });
        for (let value = 1; value <= (request.count ?? 0); value++) res.write(`${JSON.stringify({ value })}\n`);
        res.end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
  return {
    async sayHello(name) {
      const { body } = await pool.request({ path: HELLO, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ name }) });
      return ((await body.json()) as { message: string }).message;
    },
    async streamNumbers(count) {
      const { body } = await pool.request({ path: NUMBERS, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ count, delayMs: 0 }) });
      let sum = 0;
      let rest = "";
      for await (const chunk of body) {
        const lines = (rest + chunk.toString("utf8")).split("\n");
        rest = lines.pop()!;
        for (const line of lines) sum += (JSON.parse(line) as { value: number }).value;
      }
      return sum;
    },
    async close() {
      await pool.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
