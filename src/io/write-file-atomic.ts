import { rename, unlink, writeFile } from "node:fs/promises";

/** Writes `bytes` beside `path` and renames into place, so a failure never leaves a half-written file. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, path);
  } catch (error) {
    await unlink(partial).catch(() => {});
    throw error;
  }
}
