// The console user's screen-lock settings.
// `defaults -currentHost read com.apple.screensaver idleTime` prints the idle seconds before the screen
// saver starts ("600"; 0 = never) or, when never set, "The domain/default pair of
// (com.apple.screensaver, idleTime) does not exist" on stderr with exit 1.
// `sysadminctl -screenLock status` (10.13+) logs to stderr with a timestamp prefix:
// "... screenLock delay is 300 seconds", "... screenLock delay is immediate", "... screenLock is off".
// The password delay it reports is the time after the screen saver starts (or the display sleeps)
// before a password is required.
import { textLines } from '../darwin-common.js';

/** Integer printed by `defaults read`; 'unset' when the key does not exist; null otherwise. */
export function parseDefaultsInt(text: string): number | 'unset' | null {
  const lines = textLines(text).map((l) => l.trim()).filter(Boolean);
  if (lines.some((l) => /does not exist/i.test(l))) return 'unset';
  if (lines.length !== 1 || !/^\d{1,9}$/.test(lines[0]!)) return null;
  return Number(lines[0]);
}

export type ScreenLockStatus = { password: false } | { password: true; delaySeconds: number };

/** null when no "screenLock ..." sentence is present (error, localized, blank). */
export function parseSysadminctlScreenLock(text: string): ScreenLockStatus | null {
  for (const l of textLines(text)) {
    if (/screenLock is off\b/i.test(l)) return { password: false };
    const m = /screenLock delay is (immediate|(-?\d+(?:\.\d+)?) seconds?)\b/i.exec(l);
    if (!m) continue;
    if (/immediate/i.test(m[1]!)) return { password: true, delaySeconds: 0 };
    const n = Number(m[2]);
    // "-1 seconds" is how some releases print "off".
    if (n < 0) return { password: false };
    return { password: true, delaySeconds: Math.round(n) };
  }
  return null;
}
