import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** After refusing an oversized body, how long to discard what the client still sends before hanging up. */
const LINGER_MS = 1000;

/** Listens on `host:port` (0: any free port); resolves with the port and the URL base (`http://host:port`, IPv6 in brackets). */
export async function listen(server: Server, port: number, host: string): Promise<{ readonly port: number; readonly url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : 0;
  return { port: bound, url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}` };
}

/** After a 413: discard what the client still sends for a moment (so it can read the answer), then hang up. */
export function lingerThenHangUp(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.once("finish", () => {
    if (req.complete) return;
    const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
    timer.unref();
    req.socket.once("close", () => clearTimeout(timer));
  });
}
