import { mkdir, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./write-file-atomic.js";

/** Names the files of a set being written; while it exists, the `.new` files it lists are the set. */
const MARKER = "saving.json";
const NEW = ".new";

/**
 * Writes several files into `dir` as one set: a crash at any moment leaves
 * either every old file or every new one, once {@link recoverFileSet} has run.
 * Each file is first written whole as `<name>.new`; then a marker listing them
 * commits the set; then each is renamed into place and the marker removed.
 */
export async function writeFileSet(dir: string, files: Readonly<Record<string, Uint8Array | string>>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await recoverFileSet(dir);
  const names = Object.keys(files);
  for (const name of names) await writeFileAtomic(join(dir, name + NEW), files[name]!);
  await writeFileAtomic(join(dir, MARKER), JSON.stringify(names));
  await finish(dir, names);
}

/**
 * Completes or discards a set a crash interrupted in `dir`: committed (the
 * marker exists) means finish the renames; not committed means drop the
 * `.new` files, leaving the old set as it was.
 */
export async function recoverFileSet(dir: string): Promise<void> {
  const marker = await readFile(join(dir, MARKER), "utf8").catch(() => undefined);
  if (marker !== undefined) return finish(dir, JSON.parse(marker) as string[]);
  const leftovers = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith(NEW));
  for (const name of leftovers) await unlink(join(dir, name));
}

async function finish(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    // Already renamed by an earlier, interrupted finish: nothing left to do for it.
    await rename(join(dir, name + NEW), join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
  await unlink(join(dir, MARKER));
}
