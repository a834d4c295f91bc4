// Audit trail sources on Linux: the kernel audit subsystem with auditd, the systemd journal, and a
// classic syslog daemon. Parsers are pure; unknown input gives null.

// `auditctl -s` (root): "enabled 1" (0 off, 1 on, 2 on and locked until reboot), "pid 1234" (auditd's
// pid, 0 when no daemon receives the events), plus rate/backlog counters, one "key value" per line.
export interface AuditStatus {
  enabled: number;
  pid: number | null;
  lost: number | null;
}

export function parseAuditctlStatus(text: string): AuditStatus | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\s+(\S+)/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) kv.set(m[1], m[2]);
  }
  const enabled = kv.get('enabled');
  if (enabled === undefined || !/^\d+$/.test(enabled)) return null;
  const num = (k: string) => (/^\d+$/.test(kv.get(k) ?? '') ? Number(kv.get(k)) : null);
  return { enabled: Number(enabled), pid: num('pid'), lost: num('lost') };
}

/** `auditctl -l`: "No rules", or one rule per line ("-w /etc/shadow -p wa -k identity", "-a always,exit ..."). */
export function parseAuditctlRules(text: string): number | null {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 1 && /^No rules$/i.test(lines[0]!)) return 0;
  const rules = lines.filter((l) => /^-[a-zA-Z]\s/.test(l));
  return rules.length && rules.length === lines.length ? rules.length : null;
}

/** auditd.conf "write_logs = no" turns the log file off (auditd then only dispatches events). */
export function auditdWritesLogs(conf: string): boolean {
  for (const line of conf.split('\n')) {
    const m = /^\s*write_logs\s*=\s*(\S+)/i.exec(line);
    if (m?.[1]) return !/^no$/i.test(m[1]);
  }
  return true;
}

// journald.conf(5): "[Journal]" then KEY=value; '#' and ';' start comments. Storage= is one of volatile,
// persistent, auto (the default: persistent only if /var/log/journal exists) and none. The main file is
// read first, then drop-ins in lexical order of their file names; later assignments win.
export type JournalStorage = 'volatile' | 'persistent' | 'auto' | 'none';

export function journaldStorage(files: readonly string[]): JournalStorage | null {
  let storage: JournalStorage | null = null;
  for (const text of files) {
    let inJournal = false;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) continue;
      const section = /^\[([^\]]+)\]$/.exec(line);
      if (section) {
        inJournal = section[1] === 'Journal';
        continue;
      }
      const m = /^Storage\s*=\s*(\S*)\s*$/.exec(line);
      if (inJournal && m) {
        const v = m[1]!.toLowerCase();
        // An empty assignment resets to the default.
        storage = v === '' ? 'auto' : v === 'volatile' || v === 'persistent' || v === 'auto' || v === 'none' ? v : storage;
      }
    }
  }
  return storage;
}

/**
 * rsyslog / syslog-ng configuration writes to a local file or forwards to a remote host: an action line
 * naming a path ("/var/log/syslog", "-/var/log/messages", file("/var/log/x")), "@host" / "@@host", or
 * omfwd / omfile / omrelp modules. Only tells that some output exists, not which messages reach it.
 */
export function syslogHasOutput(conf: string): boolean {
  for (const raw of conf.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (/^\S+\s+-?\/(var|srv|log)\//.test(line) || /\s@@?[\w.[\]:-]+/.test(` ${line}`)) return true;
    if (/\b(omfwd|omfile|omrelp)\b/.test(line) || /\bfile\s*\(\s*"/.test(line) || /\bnetwork\s*\(/.test(line)) return true;
  }
  return false;
}
