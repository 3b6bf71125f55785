import type { HelloReply, HelloRequest, ServiceADefinition } from "../../gen/lab/v1/greeter.js";
import { invalidArgument } from "../../core/errors.js";
import type { ImplOf } from "../../transports/router.js";

/** The name greeted when the request has none (the seed's server.py: `request.name or "world"`). */
export const DEFAULT_NAME = "world";
/** The longest name accepted, in characters (code points). */
export const MAX_NAME_LENGTH = 200;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The greeting, exactly as seed 001's ServiceA writes it: `Olá, NAME! [A]`. */
export function greeting(name: string): string {
  return `Olá, ${name}! [A]`;
}

/** Seed 001's unary ServiceA: SayHello(name) answers {@link greeting}. */
export class GreeterService implements ImplOf<typeof ServiceADefinition> {
  /** Greets `name` (or {@link DEFAULT_NAME} when empty); INVALID_ARGUMENT for an overlong name or control characters. */
  async sayHello(request: HelloRequest): Promise<HelloReply> {
    const { name } = request;
    const length = [...name].length;
    if (length > MAX_NAME_LENGTH) throw invalidArgument(`name must be at most ${MAX_NAME_LENGTH} characters, got ${length}`);
    if (CONTROL.test(name)) throw invalidArgument("name must not contain control characters");
    return { message: greeting(name === "" ? DEFAULT_NAME : name) };
  }
}
