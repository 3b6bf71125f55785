import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { HortifrutiDefinition } from "../../gen/lab/v1/hortifruti.js";
import type { CallOptions } from "../../transports/call.js";
import { createClient, type ClientOf } from "../../transports/client.js";
import { createInProcessTransport } from "../../transports/inproc/index.js";
import { createRouter, type ImplOf } from "../../transports/router.js";
import { RpcError } from "../../transports/rpc-error.js";
import { LineReader, type LineEvent } from "./line-reader.js";
import { BYE, formatError, formatLista, formatProduto, parseCommand, toReplyLine, type Command } from "./line-protocol.js";

/** The Hortifruti API as the socket server calls it. */
export type HortifrutiClient = ClientOf<typeof HortifrutiDefinition>;

/** Where the commands go: a service instance (called in-process) or a client of one anywhere. */
export type HortifrutiBackend =
  | { readonly service: ImplOf<typeof HortifrutiDefinition>; readonly client?: never }
  | { readonly client: HortifrutiClient; readonly service?: never };

/** Options of {@link startHortifrutiSocketServer}. */
export type HortifrutiSocketServerOptions = HortifrutiBackend & {
  /** Default: "127.0.0.1". */
  readonly host?: string;
  /** Default: 0 (any free port; read it back from `port`). */
  readonly port?: number;
  /** The longest request line in bytes, not counting its ending. Default: 4096. */
  readonly maxLineBytes?: number;
  /** Read no more from a client while this many of its lines wait for an answer. Default: 64. */
  readonly maxPendingLines?: number;
  /** Close a connection silent for this long; 0 never does. Default: 300000 (5 min). */
  readonly idleTimeoutMs?: number;
  /** Connections beyond this are refused (closed at once). Default: 1000. */
  readonly maxConnections?: number;
  /** How long `close()` lets a client finish closing before the socket is destroyed. Default: 1000. */
  readonly closeGraceMs?: number;
  /** Sees errors that were not RpcErrors (the client gets `ERRO: internal error`). Default: none. */
  readonly onUnexpectedError?: (error: unknown) => void;
};

/** A running socket server. */
export interface HortifrutiSocketServer {
  readonly host: string;
  readonly port: number;
  /** Connections open right now. */
  connectionCount(): number;
  /** Stops accepting, ends every connection (cancelling its calls) and resolves once all are closed. */
  close(): Promise<void>;
}

/**
 * Serves seed 002's line protocol (see line-protocol.ts) on raw TCP. Every
 * command is a call on the Hortifruti API (the same service class the gRPC
 * and in-process transports serve, not a copy of its logic). Each connection
 * gets one reply line per request line, in order; bad lines get `ERRO: ...`
 * and the connection stays open; `5` answers and closes the connection.
 */
export async function startHortifrutiSocketServer(options: HortifrutiSocketServerOptions): Promise<HortifrutiSocketServer> {
  const api = options.client ?? inProcessClient(options.service!, options.onUnexpectedError);
  const settings: ConnectionSettings = {
    api,
    maxLineBytes: options.maxLineBytes ?? 4096,
    maxPendingLines: options.maxPendingLines ?? 64,
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
    onUnexpectedError: options.onUnexpectedError,
  };
  const closeGraceMs = options.closeGraceMs ?? 1000;
  const sockets = new Set<Socket>();
  // allowHalfOpen: a client may send its lines and shut its side; it still gets every reply.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    serveConnection(socket, settings);
  });
  server.maxConnections = options.maxConnections ?? 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    connectionCount: () => sockets.size,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const ended = [...sockets].map(
          (socket) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => socket.destroy(), closeGraceMs);
              socket.once("close", () => {
                clearTimeout(timer);
                resolve();
              });
              socket.end();
            }),
        );
        await Promise.all([stopped, ...ended]);
      })();
      return closing;
    },
  };
}

/** A client that calls `service` in this process (with the codec round trip and error mapping of any transport). */
function inProcessClient(service: ImplOf<typeof HortifrutiDefinition>, onUnexpectedError?: (error: unknown) => void): HortifrutiClient {
  const router = createRouter().service(HortifrutiDefinition, service);
  return createClient(HortifrutiDefinition, createInProcessTransport(router, { onUnexpectedError: (error) => onUnexpectedError?.(error) }));
}

interface ConnectionSettings {
  readonly api: HortifrutiClient;
  readonly maxLineBytes: number;
  readonly maxPendingLines: number;
  readonly idleTimeoutMs: number;
  readonly onUnexpectedError: ((error: unknown) => void) | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Runs one connection: reads lines, answers each in order, one at a time. */
function serveConnection(socket: Socket, settings: ConnectionSettings): void {
  const reader = new LineReader(settings.maxLineBytes);
  const queue: LineEvent[] = [];
  // Aborted when the connection goes away: cancels the call in flight.
  const controller = new AbortController();
  const call: CallOptions = { signal: controller.signal };
  let readEnded = false;
  let quitting = false;
  let pumping = false;

  socket.setNoDelay(true);
  if (settings.idleTimeoutMs > 0) {
    socket.setTimeout(settings.idleTimeoutMs, () => {
      // Silent again after we said goodbye: the client ignored our end, so drop it.
      if (quitting) return void socket.destroy();
      quitting = true;
      socket.end(toReplyLine(formatError("idle timeout, closing")) + "\n");
      socket.resume();
    });
  }
  socket.on("data", (chunk: Buffer) => {
    if (quitting) return;
    queue.push(...reader.push(chunk));
    if (queue.length >= settings.maxPendingLines) socket.pause();
    void pump();
  });
  socket.on("end", () => {
    readEnded = true;
    void pump();
  });
  socket.on("close", () => controller.abort());
  // ECONNRESET and the like: "close" follows, and there is no one left to answer.
  socket.on("error", () => {});

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0 && !quitting && socket.writable) {
        const event = queue.shift()!;
        if (socket.isPaused() && queue.length < settings.maxPendingLines / 2 && !readEnded) socket.resume();
        const { reply, quit } = await answer(event);
        // Gone, or ended meanwhile (idle timeout, server closing): no one to answer.
        if (quitting || !socket.writable) return;
        if (quit) {
          quitting = true;
          queue.length = 0;
          socket.end(toReplyLine(reply) + "\n");
          // Read (and ignore) the rest, so the client's own end arrives and the socket closes.
          socket.resume();
          return;
        }
        if (!socket.write(toReplyLine(reply) + "\n")) await drained(socket);
      }
      if (readEnded && !quitting && queue.length === 0 && socket.writable) {
        quitting = true;
        socket.end();
      }
    } finally {
      pumping = false;
    }
  }

  async function answer(event: LineEvent): Promise<{ reply: string; quit: boolean }> {
    if (event.kind === "too-long") return { reply: formatError(`line longer than ${settings.maxLineBytes} bytes`), quit: false };
    let text: string;
    try {
      text = utf8.decode(event.bytes);
    } catch {
      return { reply: formatError("line is not valid UTF-8"), quit: false };
    }
    const parsed = parseCommand(text);
    if (!parsed.ok) return { reply: formatError(parsed.error), quit: false };
    if (parsed.command.kind === "sair") return { reply: BYE, quit: true };
    try {
      return { reply: await run(settings.api, parsed.command, call), quit: false };
    } catch (error) {
      const rpc = RpcError.from(error);
      if (!(error instanceof RpcError)) settings.onUnexpectedError?.(error);
      return { reply: formatError(rpc.message), quit: false };
    }
  }
}

/** Calls the API for one command and formats its answer. */
async function run(api: HortifrutiClient, command: Exclude<Command, { kind: "sair" }>, call: CallOptions): Promise<string> {
  switch (command.kind) {
    case "consultar":
      return formatProduto(await api.consultarProduto({ nome: command.nome }, call));
    case "por-preco":
      return formatLista((await api.consultarPorPreco({ precoMaximoCentavos: command.precoMaximoCentavos }, call)).produtos);
    case "atualizar":
      return formatProduto(await api.atualizarEstoque({ nome: command.nome, delta: command.delta }, call));
    case "listar":
      return formatLista((await api.listarProdutos({}, call)).produtos);
  }
}

/** Resolves when `socket` can take more writes, or is gone. */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}
