// `dscl . -read /Groups/admin GroupMembership` prints "GroupMembership: root alice bob" on one line, or
// the attribute name alone and the values on the next line(s) indented by a space (dscl does that when
// a value contains whitespace). A group without the attribute gives "No such key: GroupMembership".
// `dscl . -list /Users UniqueID` prints "name   uid" per line.
import { textLines } from '../darwin-common.js';

/** Members; [] for "No such key"; null when the attribute line is absent (error, blank, garbage). */
export function parseGroupMembership(text: string): string[] | null {
  const lines = textLines(text);
  if (lines.some((l) => /No such key:\s*GroupMembership/i.test(l))) return [];
  const i = lines.findIndex((l) => /^GroupMembership:/.test(l));
  if (i < 0) return null;
  const values = [lines[i]!.replace(/^GroupMembership:/, '')];
  for (const l of lines.slice(i + 1)) {
    if (!/^\s/.test(l) || l.trim() === '') break;
    values.push(l);
  }
  return values.join(' ').split(/\s+/).filter(Boolean);
}

/** name → uid for every row; null when no row parses. */
export function parseUserUids(text: string): Map<string, number> | null {
  const out = new Map<string, number>();
  for (const l of textLines(text)) {
    const m = /^(\S+)\s+(-?\d+)\s*$/.exec(l);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out.size ? out : null;
}
