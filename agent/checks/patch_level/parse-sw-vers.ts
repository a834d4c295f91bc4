// `sw_vers`: "ProductName:\tmacOS" (before macOS 10.12 "Mac OS X"; 10.12–10.15 "macOS" or "Mac OS X"),
// "ProductVersion:\t14.6.1", "ProductVersionExtra:\t(a)" on a Rapid Security Response, "BuildVersion:\t23G93".
// The keys are not localized; the separator is a tab, or spaces in some captures.
import { textLines } from '../darwin-common.js';

export interface SwVers {
  productName: string;
  version: string;
  build: string | null;
  /** Rapid Security Response suffix, e.g. "(a)". */
  extra: string | null;
}

/** null unless ProductVersion is present and looks like a version. */
export function parseSwVers(text: string): SwVers | null {
  const kv = new Map<string, string>();
  for (const line of textLines(text)) {
    const m = /^\s*(ProductName|ProductVersion|ProductVersionExtra|BuildVersion)\s*:\s*(.*?)\s*$/.exec(line);
    if (m && !kv.has(m[1]!)) kv.set(m[1]!, m[2]!);
  }
  const version = kv.get('ProductVersion');
  if (!version || !/^\d+(\.\d+){0,3}$/.test(version)) return null;
  const build = kv.get('BuildVersion');
  return {
    productName: kv.get('ProductName') || 'macOS',
    version,
    build: build && /^[0-9A-Za-z]{3,16}$/.test(build) ? build : null,
    extra: kv.get('ProductVersionExtra') || null,
  };
}
