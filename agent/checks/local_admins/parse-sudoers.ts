// sudoers(5), the parts that decide who can become root: user specifications ("alice ALL=(ALL:ALL) ALL",
// "%sudo ALL=(ALL) NOPASSWD: ALL"), User_Alias / Runas_Alias / Cmnd_Alias definitions they refer to, and
// include directives (#include, @include, #includedir, @includedir). Defaults lines and host aliases do not
// change who is an administrator and are skipped. A line ending in a backslash continues on the next.
//
// A specification grants administration when, for some host, it lets the user run any command ("ALL",
// possibly through a Cmnd_Alias) as root (no Runas list means root; "ALL" or "root" in it). Narrower
// grants (a list of commands) are not counted: they can still be abused, but are policy, not admin rights.

export interface SudoersFile {
  /** Users ("alice"), groups ("%sudo", "%:domain users"), uids ("#1000"), netgroups ("+ops"), User_Alias names expanded. */
  admins: string[];
  includes: Array<{ kind: 'file' | 'dir'; path: string }>;
}

function logicalLines(text: string): string[] {
  const out: string[] = [];
  let acc = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.endsWith('\\')) {
      acc += `${line.slice(0, -1)} `;
      continue;
    }
    out.push(acc + line);
    acc = '';
  }
  if (acc) out.push(acc);
  return out;
}

const splitList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** Aliases defined in the text: "User_Alias ADMINS = alice, bob : OPS = carol". */
function aliases(lines: string[], kind: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of lines) {
    const m = new RegExp(`^\\s*${kind}\\s+(.*)$`).exec(line);
    if (!m?.[1]) continue;
    for (const def of m[1].split(':')) {
      const d = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*)$/.exec(def);
      if (d?.[1] && d[2] !== undefined) out.set(d[1], splitList(d[2]));
    }
  }
  return out;
}

function expand(items: string[], defs: Map<string, string[]>, depth = 0): string[] {
  const out: string[] = [];
  for (const it of items) {
    const neg = it.startsWith('!');
    const name = neg ? it.slice(1).trim() : it;
    if (neg) continue; // "!bob" removes a match; never adds an administrator
    const def = defs.get(name);
    if (def && depth < 8) out.push(...expand(def, defs, depth + 1));
    else out.push(name);
  }
  return out;
}

/** Whether a command list grants everything: "ALL", a Cmnd_Alias that is ALL, tags ("NOPASSWD:") allowed. */
function allCommands(cmds: string, cmndAliases: Map<string, string[]>): boolean {
  const items = splitList(cmds.replace(/\b[A-Z_]+:/g, ' ').replace(/\b(?:ROLE|TYPE|APPARMOR_PROFILE|CWD|CHROOT|NOTBEFORE|NOTAFTER|TIMEOUT)=\S+/g, ' '));
  return expand(items, cmndAliases).some((c) => c === 'ALL');
}

function runsAsRoot(runas: string | undefined, runasAliases: Map<string, string[]>): boolean {
  if (runas === undefined) return true; // no Runas_Spec: root only
  const users = (runas.split(':')[0] ?? '').trim();
  if (users === '') return false; // "(:wheel)": as the invoking user, with another group
  return expand(splitList(users), runasAliases).some((u) => u === 'ALL' || u === 'root' || u === '#0');
}

export function parseSudoers(text: string): SudoersFile {
  const lines = logicalLines(text);
  const users = aliases(lines, 'User_Alias');
  const runas = aliases(lines, 'Runas_Alias');
  const cmnds = aliases(lines, 'Cmnd_Alias');
  const admins = new Set<string>();
  const includes: SudoersFile['includes'] = [];
  for (const raw of lines) {
    const line = raw.trim();
    const inc = /^[#@](include|includedir)\s+(.+?)\s*$/.exec(line);
    if (inc?.[1] && inc[2]) {
      includes.push({ kind: inc[1] === 'includedir' ? 'dir' : 'file', path: inc[2].replace(/^"(.*)"$/, '$1') });
      continue;
    }
    if (!line || line.startsWith('#') || /^(Defaults|User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\b/.test(line)) continue;
    // user_list host_list = [(runas)] [tags:] commands [: host_list = ...]
    const spec = /^(.+?)\s+(\S.*)$/.exec(line);
    if (!spec?.[1] || !spec[2]) continue;
    const who = expand(splitList(spec[1]), users);
    let grants = false;
    for (const part of spec[2].split(/\s*:\s*(?=[^=():]+=)/)) {
      const hostCmd = /^[^=]+=\s*(?:\(([^)]*)\))?\s*(.*)$/.exec(part);
      if (!hostCmd) continue;
      // Each comma-separated command may carry its own Runas spec; check each.
      const segments = `${hostCmd[1] !== undefined ? `(${hostCmd[1]}) ` : ''}${hostCmd[2] ?? ''}`.split(/,(?=\s*\()/);
      let currentRunas: string | undefined;
      for (const seg of segments) {
        const m = /^\s*(?:\(([^)]*)\))?\s*(.*)$/.exec(seg)!;
        if (m[1] !== undefined) currentRunas = m[1];
        if (runsAsRoot(currentRunas, runas) && allCommands(m[2] ?? '', cmnds)) grants = true;
      }
    }
    if (grants) for (const w of who) admins.add(w);
  }
  return { admins: [...admins], includes };
}

/** sudo skips files in an includedir whose names end in "~" or contain a ".". */
export function includedirTakes(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  return name !== '' && !name.endsWith('~') && !name.includes('.');
}
