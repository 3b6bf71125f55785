import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The page's own folder (index.html, app.js, style.css). */
export const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));

/** Content types of the files the page is made of. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** One file, ready to send. */
export interface StaticFile {
  readonly type: string;
  readonly bytes: Buffer;
}

/**
 * Reads the files directly in `dir` (no subfolders, no dotfiles, only known
 * types) into memory, keyed by URL path; `/` is index.html. Only these exact
 * paths are ever served, so no request path can reach outside the folder.
 */
export async function loadStaticFiles(dir: string = PUBLIC_DIR): Promise<ReadonlyMap<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const type = CONTENT_TYPES[extname(entry.name)];
    if (!entry.isFile() || entry.name.startsWith(".") || !type) continue;
    files.set(`/${entry.name}`, { type, bytes: await readFile(join(dir, entry.name)) });
  }
  const index = files.get("/index.html");
  if (index) files.set("/", index);
  return files;
}

/** Headers of every page file: nothing from elsewhere may load (the page needs nothing from the internet). */
export const STATIC_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};
