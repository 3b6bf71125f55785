/** A raw baseline: a server and a client of a plain library, doing what the lab's Greeter and Numbers do. */
export interface RawPair {
  /** One SayHello call; resolves with the greeting. */
  sayHello(name: string): Promise<string>;
  /** One StreamNumbers call read to its end (no delay between numbers); resolves with the sum of the values. */
  streamNumbers(count: number): Promise<number>;
  close(): Promise<void>;
}
