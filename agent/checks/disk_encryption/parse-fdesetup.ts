// `fdesetup status` (no root needed for status): "FileVault is On." / "FileVault is Off.",
// "Encryption in progress: Percent completed = 37" (also "Decryption in progress"), "... paused ...",
// and notes such as "FileVault is On, but needs to be restarted to finish." or
// "Deferred enablement appears to be active for user 'x'." The first "FileVault is" line decides;
// anything after it (e.g. diskutil lines appended by a script) is ignored.
import { textLines } from '../darwin-common.js';

export interface FdeStatus {
  state: 'on' | 'off';
  conversion: 'encrypting' | 'decrypting' | null;
  paused: boolean;
  percent: number | null;
  /** "needs to be restarted", "Deferred enablement ...": FileVault asked for but not yet applied. */
  pending: string | null;
}

/** null when no "FileVault is On/Off" and no conversion line is present (localized, error, blank). */
export function parseFdesetupStatus(text: string): FdeStatus | null {
  const lines = textLines(text).map((l) => l.trim());
  let state: FdeStatus['state'] | null = null;
  let conversion: FdeStatus['conversion'] = null;
  let paused = false;
  let percent: number | null = null;
  let pending: string | null = null;
  for (const l of lines) {
    const s = /^FileVault is (On|Off)\b/i.exec(l);
    if (s && state === null) {
      state = s[1]!.toLowerCase() as FdeStatus['state'];
      if (/restart/i.test(l)) pending = l;
    }
    const c = /^(Encryption|Decryption)\s+(in progress|paused)\b.*?(?:Percent completed\s*=\s*(\d+(?:\.\d+)?))?\s*$/i.exec(l);
    if (c && conversion === null) {
      conversion = /^enc/i.test(c[1]!) ? 'encrypting' : 'decrypting';
      paused = /paused/i.test(c[2]!);
      const n = c[3] === undefined ? NaN : Number(c[3]);
      percent = Number.isFinite(n) && n >= 0 && n <= 100 ? n : null;
    }
    if (/^Deferred enablement/i.test(l) && !pending) pending = l;
  }
  if (state === null && conversion === null) return null;
  // A conversion line alone (no "FileVault is" line) means FileVault has been turned on or off.
  return { state: state ?? (conversion === 'encrypting' ? 'on' : 'off'), conversion, paused, percent, pending };
}
