// Pending updates from the Windows Update Agent API as our script prints them:
// { lastSearch: ISO | null, updates: [{ title, kb: [...], severity, categories: [CategoryID, ...] }] }.
// Security is decided by category *IDs*, which are the same in every language (the category names are
// translated): Security Updates and Critical Updates, or any MSRC severity (Critical, Important,
// Moderate, Low, English tokens). Definition updates (Defender signatures) are not counted as security:
// they install daily and have their own check (antivirus signatures age). Pure; never throws.
import { asArray, psDate, rec, str } from '../windows-common.js';

export const SECURITY_UPDATES = '0fa1201d-4330-4fa8-8ae9-b877473b6441';
export const CRITICAL_UPDATES = 'e6cf1350-c01b-414d-a61f-263d14d133b4';

export interface PendingUpdate {
  title: string;
  kb: string[];
  security: boolean;
}

export interface WuResult {
  /** When Windows Update last completed a search (ms since epoch); null: never, or not reported. */
  lastSearchMs: number | null;
  updates: PendingUpdate[];
}

export function parseWuResult(input: unknown): WuResult | null {
  const r = rec(input);
  if (!r || !('updates' in r) || (r.updates !== null && typeof r.updates !== 'object')) return null;
  const updates: PendingUpdate[] = [];
  for (const u of asArray(r.updates)) {
    const x = rec(u);
    if (!x) return null;
    const cats = asArray(x.categories).map((c) => (str(c) ?? '').toLowerCase().replace(/[{}]/g, ''));
    const severity = (str(x.severity) ?? '').trim();
    updates.push({
      title: (str(x.title) ?? '').trim() || '(untitled update)',
      kb: asArray(x.kb)
        .map((k) => str(k))
        .filter((k): k is string => !!k && /^\d{5,8}$/.test(k))
        .map((k) => `KB${k}`),
      security: cats.includes(SECURITY_UPDATES) || cats.includes(CRITICAL_UPDATES) || /^(critical|important|moderate|low)$/i.test(severity),
    });
  }
  return { lastSearchMs: psDate(r.lastSearch), updates };
}
