import { open, stat } from 'node:fs/promises';
import type { FileReader } from './checks/types.js';

// A cycle reads hundreds of small files, most from /proc and /sys, which report a size of 0 or one page.
// They are read through reused scratch buffers: a fresh buffer per read would churn tens of megabytes of
// C heap per cycle, which glibc keeps, fragmented, long after the buffers are freed.
const CHUNK = 64 * 1024;
const spare: Buffer[] = [];

/** Reads at most maxBytes of a file; a missing or unreadable file is null, never an exception. */
export const nodeFiles: FileReader = {
  async readText(path, maxBytes = 1024 * 1024) {
    let handle;
    const scratch = spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
    try {
      handle = await open(path, 'r');
      const { size } = await handle.stat();
      const parts: Buffer[] = [];
      let total = 0;
      for (;;) {
        const want = Math.min(maxBytes - total, size > total ? size - total + 1 : CHUNK);
        if (want <= 0) break;
        const buf = want <= CHUNK ? scratch : Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(buf, 0, want, total);
        if (bytesRead === 0) break;
        parts.push(buf === scratch ? Buffer.from(buf.subarray(0, bytesRead)) : buf.subarray(0, bytesRead));
        total += bytesRead;
        // A regular file ends at its size (read one byte more to see that); procfs files report a size
        // of 0 and may return less than asked before their end, so they end at an empty read.
        if (size > 0 && bytesRead < want) break;
      }
      return parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts, total).toString('utf8');
    } catch {
      return null;
    } finally {
      if (spare.length < 4) spare.push(scratch);
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
