// dnf / yum output (RHEL family). Commands run with -C (cache only): the agent never refreshes metadata,
// so how old that cache is matters and is reported.

export interface RpmUpdate {
  name: string;
  arch: string;
  version: string;
  repo: string;
}

export interface CheckUpdate {
  packages: RpmUpdate[];
  /** From "Last metadata expiration check: 0:06:32 ago ..." when printed (not with -q). */
  metadataAgeSeconds: number | null;
}

/** "0:06:32" or "2 days, 3:04:05" (Python timedelta) in seconds. */
function timedeltaSeconds(s: string): number | null {
  const m = /^(?:(\d+) days?, )?(\d+):(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

// `dnf check-update` / `yum check-update`: exit 100 when updates exist, 0 when none, 1 on error. Lines are
// "name.arch  [epoch:]version-release  repo"; a long name is printed alone with the rest on the next line.
// Everything after "Obsoleting Packages" lists obsoletes, not updates.
export function parseDnfCheckUpdate(text: string): CheckUpdate {
  const packages: RpmUpdate[] = [];
  let metadataAgeSeconds: number | null = null;
  let pendingName: string | null = null;
  for (const line of text.split('\n')) {
    const age = /^Last metadata expiration check: (.+?) ago/.exec(line);
    if (age?.[1]) {
      metadataAgeSeconds = timedeltaSeconds(age[1]);
      continue;
    }
    if (/^Obsoleting Packages/.test(line)) break;
    let m = /^(\S+)\.([A-Za-z0-9_]+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m && pendingName) {
      const rest = /^\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (rest) m = /^(\S+)\.([A-Za-z0-9_]+)\s+(\S+)\s+(\S+)$/.exec(`${pendingName} ${rest[1]} ${rest[2]}`);
    }
    pendingName = /^(\S+\.[A-Za-z0-9_]+)\s*$/.exec(line)?.[1] ?? null;
    if (m?.[1] && m[2] && m[3] && m[4] && /\d/.test(m[3])) packages.push({ name: m[1], arch: m[2], version: m[3], repo: m[4] });
  }
  return { packages, metadataAgeSeconds };
}

// `dnf updateinfo list --security` (dnf4: "RHSA-2023:1234 Important/Sec. openssl-1:3.0.7-6.el9_2.x86_64";
// dnf5 adds type, severity and issue-date columns; yum: `yum updateinfo list security`, same as dnf4).
// An empty list is a legitimate answer, so any line that is neither an advisory nor known chatter makes
// the whole output unparseable (null) instead of silently counting zero.
const NEVRA = /^[^\s/]+-[^\s-]+-[^\s-]+\.[A-Za-z0-9_]+$/;
const CHATTER = [
  /^Last metadata expiration check/,
  /^Updating Subscription Management repositories/,
  /^Unable to read consumer identity/,
  /^Loaded plugins:/,
  /^Loading mirror speeds/,
  /^\s*\* \S+: /,
  /^updateinfo list done/,
  /^Name\s+Type\s+Severity/,
  /^This system is not registered/,
];

/** Distinct package NEVRAs with a pending security advisory, or null when the output is not understood. */
export function parseDnfUpdateinfoSecurity(text: string): string[] | null {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || CHATTER.some((re) => re.test(line))) continue;
    const cols = line.trim().split(/\s+/);
    const advisory = cols[0] ?? '';
    const nevra = cols.slice(1).find((c) => NEVRA.test(c));
    if (!nevra || !/^[A-Z][A-Za-z0-9]*[-:]/.test(advisory)) return null;
    out.add(nevra);
  }
  return [...out];
}

// `dnf history list` / `yum history list`:
//   "ID | Command line | Date and time    | Action(s) | Altered"
//   "11 | -y update bash | 2021-12-22 01:12 | Upgrade  |    1"
// Action(s) is a word when one kind happened, else letters ("I, U"). The Altered column may carry flags:
// '#' marks a transaction that returned an error. Times are local; returned as "YYYY-MM-DDTHH:MM".
export interface RpmTransaction {
  id: number;
  command: string;
  date: string;
  actions: string[];
  failed: boolean;
}

export function parseDnfHistory(text: string): RpmTransaction[] | null {
  const out: RpmTransaction[] = [];
  let header = false;
  for (const line of text.split('\n')) {
    const cols = line.split('|').map((c) => c.trim());
    if (cols.length < 5) continue;
    if (/^ID$/i.test(cols[0] ?? '')) {
      header = true;
      continue;
    }
    const date = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/.exec(cols[2] ?? '');
    if (!/^\d+$/.test(cols[0] ?? '') || !date) continue;
    out.push({
      id: Number(cols[0]),
      command: cols[1] ?? '',
      date: `${date[1]}T${date[2]}`,
      actions: (cols[3] ?? '').split(/,\s*/).filter(Boolean),
      failed: (cols[4] ?? '').includes('#'),
    });
  }
  return header || out.length ? out : null;
}

const UPDATE_COMMANDS = new Set(['upgrade', 'update', 'upgrade-minimal', 'update-minimal', 'distro-sync', 'dsync', 'dnf-automatic']);

/**
 * Newest transaction that upgraded packages and did not fail, started as an update (or with no command
 * line, as dnf-automatic and PackageKit leave it). Same rule as apt: installing X does not patch the host.
 */
export function lastRpmUpgrade(transactions: RpmTransaction[]): string | null {
  let best: string | null = null;
  for (const t of transactions) {
    if (t.failed || !t.actions.some((a) => /^(U|Upgrade|Upgraded|Update|Updated)$/.test(a))) continue;
    if (t.command !== '' && !t.command.split(/\s+/).some((w) => UPDATE_COMMANDS.has(w))) continue;
    if (!best || t.date > best) best = t.date;
  }
  return best;
}
