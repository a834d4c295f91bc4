// Vendor lookup from a MAC address: the IEEE registry shipped as collector/data/oui.tsv (made by
// scripts/gen-oui.ts from Debian's ieee-data; its header names the source and date). The lookup runs on
// the collector, not the agent: the table is 1.4 MB, the agent stays small, and one update of the
// collector re-labels every gateway's inventory.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface OuiTable {
  /** Comment lines of the data file: what it is, where it came from, its date. */
  source: string[];
  byPrefix: Map<string, string>;
}

export function parseOuiTsv(text: string): OuiTable {
  const source: string[] = [];
  const byPrefix = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) source.push(line.slice(1).trim());
    else {
      const tab = line.indexOf('\t');
      if (tab > 0) byPrefix.set(line.slice(0, tab), line.slice(tab + 1));
    }
  }
  return { source, byPrefix };
}

// From the sources (collector/inventory/) and from the build (dist/collector/inventory/).
const CANDIDATES = ['../data/oui.tsv', '../../../collector/data/oui.tsv'];
let loaded: OuiTable | null = null;

export function ouiTable(): OuiTable {
  if (loaded) return loaded;
  for (const rel of CANDIDATES) {
    try {
      loaded = parseOuiTsv(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8'));
      return loaded;
    } catch {
      // try the next location
    }
  }
  throw new Error('collector/data/oui.tsv is missing (npm run gen:oui)');
}

/**
 * The organisation the address block is registered to: the longest of the MA-S/IAB (36-bit), MA-M
 * (28-bit) and MA-L (24-bit) prefixes that matches. null for locally administered addresses (randomised
 * or set by software: no vendor) and for unassigned blocks.
 */
export function vendorOf(mac: string, table: OuiTable = ouiTable()): string | null {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12) return null;
  if (Number.parseInt(hex.slice(0, 2), 16) & 2) return null;
  for (const n of [9, 7, 6]) {
    const v = table.byPrefix.get(hex.slice(0, n));
    if (v) return v;
  }
  return null;
}
