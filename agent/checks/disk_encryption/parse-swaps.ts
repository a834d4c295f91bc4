// /proc/swaps: a header line then "Filename Type Size Used Priority" columns, whitespace separated.
// Filenames escape spaces as \040 like mountinfo.
import { unescapeOctal } from './parse-mountinfo.js';

export interface SwapEntry {
  filename: string;
  /** "partition" or "file" as the kernel reports it. */
  type: string;
}

/** null when the text is not /proc/swaps (header missing); an empty list when no swap is active. */
export function parseSwaps(text: string): SwapEntry[] | null {
  const lines = text.split('\n');
  if (!/^Filename\s+Type\s+Size/.test(lines[0] ?? '')) return null;
  const out: SwapEntry[] = [];
  for (const line of lines.slice(1)) {
    const [filename, type] = line.trim().split(/\s+/);
    if (!filename || !type) continue;
    out.push({ filename: unescapeOctal(filename), type });
  }
  return out;
}
