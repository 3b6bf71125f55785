/**
 * Canonical proto3 JSON leaves out fields at their default value (0, "",
 * false, []). REST callers are better served by every field, so REST answers
 * fill them back in from the decoded message (protojson's EmitUnpopulated).
 */

/** `json` (a message's `toJSON`) with every field of `message` that it left out added at its default. */
export function withDefaults(json: unknown, message: unknown): unknown {
  if (Array.isArray(message)) {
    return message.map((item, i) => withDefaults(Array.isArray(json) ? json[i] : undefined, item));
  }
  if (isPlainObject(message)) {
    const out: Record<string, unknown> = isPlainObject(json) ? { ...json } : {};
    for (const [key, value] of Object.entries(message)) {
      const filled = withDefaults(out[key], value);
      if (filled !== undefined) out[key] = filled;
    }
    return out;
  }
  if (json !== undefined) return json;
  if (message instanceof Uint8Array) return message.length === 0 ? "" : Buffer.from(message).toString("base64");
  return typeof message === "string" || typeof message === "number" || typeof message === "boolean" ? message : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
