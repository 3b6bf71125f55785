/** The gRPC status codes, shared by every transport. */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** One of the gRPC status codes. */
export type Code = (typeof Code)[keyof typeof Code];

/** The name of a code, e.g. `codeName(14) === "UNAVAILABLE"`. */
export function codeName(code: Code): keyof typeof Code {
  return CODE_NAMES[code] ?? "UNKNOWN";
}

/** The code named `name`, or undefined. */
export function codeFromName(name: string): Code | undefined {
  return (Code as Record<string, Code>)[name];
}

const CODE_NAMES = Object.fromEntries(Object.entries(Code).map(([name, code]) => [code, name])) as Record<
  number,
  keyof typeof Code
>;
