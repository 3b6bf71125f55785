import { connect, type Socket } from "node:net";

/** A test client for a line protocol: sends lines, reads reply lines in order. */
export class LineClient {
  readonly #lines: string[] = [];
  readonly #waiters: Array<(line: string | undefined) => void> = [];
  #buffer = "";
  #ended = false;
  /** Resolves when the server closed the connection (or it broke). */
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      this.#buffer += text;
      let nl: number;
      while ((nl = this.#buffer.indexOf("\n")) !== -1) {
        this.#deliver(this.#buffer.slice(0, nl));
        this.#buffer = this.#buffer.slice(nl + 1);
      }
    });
    socket.on("error", () => {});
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        this.#ended = true;
        for (const waiter of this.#waiters.splice(0)) waiter(undefined);
        resolve();
      }),
    );
  }

  /** Connects to 127.0.0.1:`port`. */
  static connect(port: number): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve(new LineClient(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Writes `data` as is (a string is sent as UTF-8). */
  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /** The next reply line; undefined once the connection closed with no line left. */
  next(): Promise<string | undefined> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Sends one line and returns its reply. */
  async request(line: string): Promise<string | undefined> {
    this.write(`${line}\n`);
    return this.next();
  }

  /** The next `n` reply lines. */
  async take(n: number): Promise<Array<string | undefined>> {
    const lines: Array<string | undefined> = [];
    for (let i = 0; i < n; i++) lines.push(await this.next());
    return lines;
  }

  /** Closes our side and waits for the connection to close. */
  async end(): Promise<void> {
    this.socket.end();
    await this.closed;
  }

  #deliver(line: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(line);
    else this.#lines.push(line);
  }
}
