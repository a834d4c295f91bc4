// Remote-access configuration from text.
//
// `sshd -T` (root; it loads the host keys): the effective settings, one "keyword value" per line, keywords
// lower-case, Match blocks not applied (they depend on the connecting user and address). Without root (or
// when sshd refuses, e.g. "Missing privilege separation directory: /run/sshd") the configuration files are
// read instead: sshd_config(5) takes the FIRST value given for a keyword, "Include" inserts files (globs
// allowed) where it stands, keywords are case-insensitive, "Keyword=value" is allowed, and a "Match" line
// starts conditional settings that run to the end of the file.

export type SshdSettings = Map<string, string>;

/** null when the output has none of the keywords every sshd -T prints (errors, blank, garbage). */
export function parseSshdT(text: string): SshdSettings | null {
  const out: SshdSettings = new Map();
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9]+)\s+(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined && !out.has(m[1])) out.set(m[1], m[2]);
  }
  return out.has('port') && out.has('permitrootlogin') ? out : null;
}

export type ConfigItem = { kind: 'set'; key: string; value: string } | { kind: 'include'; patterns: string[] } | { kind: 'match'; condition: string };

/** One sshd_config file as a sequence of settings, includes and Match lines. */
export function parseSshdConfig(text: string): ConfigItem[] {
  const out: ConfigItem[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9]+)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    const key = m[1].toLowerCase();
    const value = m[2].replace(/\s+#.*$/, '').trim();
    if (key === 'include') out.push({ kind: 'include', patterns: value.split(/\s+/).filter(Boolean) });
    else if (key === 'match') out.push({ kind: 'match', condition: value });
    else out.push({ kind: 'set', key, value: value.replace(/^"(.*)"$/, '$1') });
  }
  return out;
}

/** Settings outside any Match block, first value winning; and whether Match blocks exist. */
export function globalSettings(items: ConfigItem[]): { settings: SshdSettings; matchBlocks: number } {
  const settings: SshdSettings = new Map();
  let inMatch = false;
  let matchBlocks = 0;
  for (const it of items) {
    if (it.kind === 'match') {
      // "Match all" ends a conditional block and returns to global settings (OpenSSH >= 6.?).
      inMatch = !/^all$/i.test(it.condition.trim());
      if (inMatch) matchBlocks++;
    } else if (it.kind === 'set' && !inMatch && !settings.has(it.key)) settings.set(it.key, it.value);
  }
  return { settings, matchBlocks };
}

/** "*.conf" style glob on a file name (the only form sshd's Include patterns use in practice). */
export function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(name);
}

export interface SshdVerdict {
  permitRootLogin: string;
  passwordAuthentication: boolean;
  /** Keywords that were not set and took OpenSSH's built-in default. */
  defaulted: string[];
}

// OpenSSH >= 7.0 defaults. "without-password" is the old spelling of prohibit-password.
const DEFAULTS: Record<string, string> = {
  permitrootlogin: 'prohibit-password',
  passwordauthentication: 'yes',
  kbdinteractiveauthentication: 'yes',
  usepam: 'no',
};

/**
 * Passwords are accepted when PasswordAuthentication is on, or when keyboard-interactive authentication
 * goes through PAM (which asks for the password). ChallengeResponseAuthentication is the pre-8.7 name of
 * KbdInteractiveAuthentication.
 */
export function sshdVerdict(s: SshdSettings): SshdVerdict {
  const defaulted: string[] = [];
  const get = (k: string, alias?: string) => {
    const v = s.get(k) ?? (alias ? s.get(alias) : undefined);
    if (v === undefined) defaulted.push(k);
    return (v ?? DEFAULTS[k] ?? '').toLowerCase();
  };
  let root = get('permitrootlogin');
  if (root === 'without-password') root = 'prohibit-password';
  const password = get('passwordauthentication') === 'yes';
  const kbd = get('kbdinteractiveauthentication', 'challengeresponseauthentication') === 'yes';
  const pam = get('usepam') === 'yes';
  return { permitRootLogin: root, passwordAuthentication: password || (kbd && pam), defaulted };
}

/**
 * inetd.conf: an active "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd" line (fields:
 * service socket protocol wait user server args). update-inetd disables a line by prefixing "#<off>#".
 */
export function inetdServesTelnet(text: string): boolean {
  return text.split('\n').some((raw) => {
    const line = raw.trim();
    const f = line.split(/\s+/);
    if (line.startsWith('#') || f.length < 6 || f[1] !== 'stream' || !/^tcp6?$/.test(f[2] ?? '')) return false;
    return f[0] === 'telnet' || f[0] === '23' || f.slice(5).some((x) => /telnetd$/.test(x));
  });
}

/** An xinetd service file for telnet that is not "disable = yes" (xinetd's default is enabled). */
export function xinetdServesTelnet(text: string): boolean {
  const block = /service\s+telnet\s*\{([^}]*)\}/.exec(text);
  if (!block?.[1]) return false;
  return !/^\s*disable\s*=\s*yes\s*$/im.test(block[1]);
}

/**
 * /proc/net/tcp and tcp6: after a header line ("sl local_address rem_address st ..."; tcp6 spells it
 * remote_address), addresses as hex
 * "ADDR:PORT"; state 0A is LISTEN. Returns the listening ports, or null when the header is missing.
 */
export function parseProcNetTcp(text: string): Set<number> | null {
  const lines = text.split('\n');
  if (!/^\s*sl\s+local_address\s+rem(?:ote)?_address\s+st\b/.test(lines[0] ?? '')) return null;
  const out = new Set<number>();
  for (const line of lines.slice(1)) {
    const m = /^\s*\d+:\s+[0-9A-Fa-f]+:([0-9A-Fa-f]{4})\s+[0-9A-Fa-f]+:[0-9A-Fa-f]{4}\s+([0-9A-Fa-f]{2})\b/.exec(line);
    if (m?.[1] && m[2]?.toUpperCase() === '0A') out.add(parseInt(m[1], 16));
  }
  return out;
}
