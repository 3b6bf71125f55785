/** Small HTTP helpers for the gateway tests, over test/http/raw.ts. */
import { raw, type RawAnswer } from "../http/raw.js";

export { assertError } from "../http/raw.js";

/** GETs `url` with `headers`. */
export function get(url: string, headers: Readonly<Record<string, string>> = {}): Promise<RawAnswer> {
  return raw(url, { method: "GET", headers });
}

/** One server-sent event. */
export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/** The events of a whole SSE body (`event:` defaults to "message"; `data:` parsed as JSON). */
export function sseEvents(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      return { event, data: JSON.parse(data) as unknown };
    });
}

