// /usr/libexec/ApplicationFirewall/socketfilterfw, several --get flags at once, one answer line each:
//   "Firewall is enabled. (State = 1)"  "Firewall is disabled. (State = 0)"
//   "Firewall has block all state set to enabled." / "... disabled."
//   "Stealth mode enabled" / "Stealth mode disabled"
// Newer releases word some lines differently ("Firewall stealth mode is on", "Block all INCOMING
// connections: enabled"), so the parser keys on the few stable words. Global state 0 = off, 1 = on,
// 2 = on and blocking everything except essential services (the same as block-all).
// `--listapps` prints "Total number of apps = N" and then per-app lines, "name (state: 1)" before
// macOS 26 and "1 : /path" since.
import { textLines } from '../darwin-common.js';

export interface SocketFilterState {
  /** null when no global-state line was found. */
  enabled: boolean | null;
  state: 0 | 1 | 2 | null;
  blockAll: boolean | null;
  stealth: boolean | null;
}

const onOff = (s: string): boolean | null => (/\b(enabled|on)\b/i.test(s) ? true : /\b(disabled|off)\b/i.test(s) ? false : null);

/** null when none of the three answers is present (error text, localized, blank). */
export function parseSocketFilterState(text: string): SocketFilterState | null {
  let enabled: boolean | null = null;
  let state: SocketFilterState['state'] = null;
  let blockAll: boolean | null = null;
  let stealth: boolean | null = null;
  for (const raw of textLines(text)) {
    const l = raw.trim();
    if (/block ?all/i.test(l)) {
      blockAll ??= onOff(l.replace(/.*block ?all[^:]*?(state set to|:)/i, ''));
      continue;
    }
    if (/stealth/i.test(l)) {
      stealth ??= onOff(l.replace(/.*stealth mode/i, ''));
      continue;
    }
    const g = /^Firewall is (enabled|disabled|on|off|blocking)\b.*?(?:\(State\s*=\s*([012])\))?\s*$/i.exec(l);
    if (g && enabled === null) {
      const n = g[2] === undefined ? null : (Number(g[2]) as 0 | 1 | 2);
      state = n;
      enabled = n !== null ? n > 0 : !/disabled|off/i.test(g[1]!);
    }
  }
  if (state === 2) blockAll = true;
  if (enabled === null && blockAll === null && stealth === null) return null;
  return { enabled, state, blockAll, stealth };
}

/** Number of per-application rules; null when there is no "Total number of apps" line. */
export function parseSocketFilterApps(text: string): number | null {
  for (const l of textLines(text)) {
    const m = /^\s*Total number of apps\s*=\s*(\d+)\s*$/i.exec(l);
    if (m) return Number(m[1]);
  }
  return null;
}
