import { open, stat } from 'node:fs/promises';
import type { FileReader } from './checks/types.js';

/** Reads at most maxBytes of a file; a missing or unreadable file is null, never an exception. */
export const nodeFiles: FileReader = {
  async readText(path, maxBytes = 1024 * 1024) {
    let handle;
    try {
      handle = await open(path, 'r');
      const buf = Buffer.alloc(maxBytes);
      const { bytesRead } = await handle.read(buf, 0, maxBytes, 0);
      return buf.subarray(0, bytesRead).toString('utf8');
    } catch {
      return null;
    } finally {
      await handle?.close();
    }
  },
  async mtimeMs(path) {
    try {
      return (await stat(path)).mtimeMs;
    } catch {
      return null;
    }
  },
  async exists(path) {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  },
};
