// /etc/security/audit_control (OpenBSM): "dir:/var/audit", "flags:lo,aa", "minfree:5",
// "naflags:lo,aa", "policy:cnt,argv", "filesz:2M", "expire-after:10M"; '#' starts a comment.
import { textLines } from '../darwin-common.js';

export interface AuditControl {
  dirs: string[];
  flags: string[];
  naflags: string[];
  expireAfter: string | null;
}

/** null when the text has no key:value line at all. */
export function parseAuditControl(text: string): AuditControl | null {
  const out: AuditControl = { dirs: [], flags: [], naflags: [], expireAfter: null };
  let seen = false;
  for (const raw of textLines(text)) {
    const l = raw.replace(/#.*/, '').trim();
    const m = /^([a-z-]+)\s*:\s*(.*)$/.exec(l);
    if (!m) continue;
    seen = true;
    const list = m[2]!.split(',').map((s) => s.trim()).filter(Boolean);
    if (m[1] === 'dir') out.dirs.push(m[2]!.trim());
    else if (m[1] === 'flags') out.flags = list;
    else if (m[1] === 'naflags') out.naflags = list;
    else if (m[1] === 'expire-after') out.expireAfter = m[2]!.trim() || null;
  }
  return seen ? out : null;
}
