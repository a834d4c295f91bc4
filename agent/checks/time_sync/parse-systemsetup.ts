// `systemsetup -get...` answers "Label: value" ("Network Time: On", "Network Time Server:
// time.apple.com", "Remote Login: Off"). Without root it prints "You need administrator access to run
// this tool... exiting!"; on 10.14+ some getters also need Full Disk Access and say so.
import { textLines } from '../darwin-common.js';

/** The value after "<label>:", or null when that line is absent. */
export function parseSystemsetupValue(text: string, label: string): string | null {
  const want = label.toLowerCase();
  for (const l of textLines(text)) {
    const i = l.indexOf(':');
    if (i > 0 && l.slice(0, i).trim().toLowerCase() === want) return l.slice(i + 1).trim();
  }
  return null;
}

/** On/Off answers ("Network Time: On"); null when absent or neither. */
export function parseSystemsetupOnOff(text: string, label: string): boolean | null {
  const v = parseSystemsetupValue(text, label);
  return v === null ? null : /^on$/i.test(v) ? true : /^off$/i.test(v) ? false : null;
}

export const needsAdmin = (text: string) => /administrator access|Full Disk Access/i.test(text);
