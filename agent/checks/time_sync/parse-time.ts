// Time-synchronisation status from the tools that know it. All parsers are pure and return null (or null
// fields) rather than guess.
//
// `timedatectl show` (systemd >= 239): KEY=value, NTP=yes (a time service is enabled), NTPSynchronized=yes
// (the kernel clock is disciplined: adjtimex() without STA_UNSYNC, whoever does it: timesyncd, chronyd,
// ntpd). `timedatectl` / `timedatectl status` says the same in prose: "System clock synchronized: yes" and
// "NTP service: active" (systemd >= 239) or "NTP synchronized: yes" and "Network time on: yes" (older).

export interface TimedatectlState {
  synchronized: boolean | null;
  /** A network time service is enabled (NTP=yes / "NTP service: active"). */
  ntpEnabled: boolean | null;
}

const yesNo = (v: string | undefined): boolean | null => (v === 'yes' ? true : v === 'no' ? false : null);

/** null when no known key is present (error text, blank, garbage). */
export function parseTimedatectlShow(text: string): TimedatectlState | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) kv.set(m[1], m[2].trim());
  }
  if (!kv.has('NTPSynchronized') && !kv.has('NTP')) return null;
  return { synchronized: yesNo(kv.get('NTPSynchronized')), ntpEnabled: yesNo(kv.get('NTP')) };
}

/** null when neither a synchronised nor an NTP-service line is present. */
export function parseTimedatectlStatus(text: string): TimedatectlState | null {
  let synchronized: boolean | null = null;
  let ntpEnabled: boolean | null = null;
  let seen = false;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z ]+?):\s*(\S+)/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const key = m[1].toLowerCase();
    const v = m[2].toLowerCase();
    if (key === 'system clock synchronized' || key === 'ntp synchronized') {
      synchronized = yesNo(v);
      seen = true;
    } else if (key === 'ntp service') {
      ntpEnabled = v === 'active' ? true : v === 'inactive' ? false : null;
      seen = true;
    } else if (key === 'network time on' || key === 'ntp enabled') {
      ntpEnabled = yesNo(v);
      seen = true;
    }
  }
  return seen ? { synchronized, ntpEnabled } : null;
}

// `chronyc -n tracking` (-n: addresses, no DNS lookups):
//   Reference ID    : A9FEA97B (169.254.169.123)
//   System time     : 0.000010684 seconds slow of NTP time
//   Leap status     : Normal
// An unsynchronised chronyd shows Reference ID 00000000 and "Leap status : Not synchronised"; a reference
// of 7F7F0101 is chrony's own local clock ("local" directive), not a time source.

export interface ChronyTracking {
  referenceId: string;
  /** Address (or name without -n) in the parentheses; empty when none. */
  source: string;
  /** |offset| of the system clock from NTP time, ms. */
  offsetMs: number | null;
  leap: string | null;
  synchronized: boolean;
}

export function parseChronyTracking(text: string): ChronyTracking | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z][A-Za-z ()]*?)\s*:\s*(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) kv.set(m[1], m[2].trim());
  }
  const ref = /^([0-9A-Fa-f]{8})\s*(?:\(([^)]*)\))?/.exec(kv.get('Reference ID') ?? '');
  if (!ref?.[1]) return null;
  const sys = /^([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?) seconds (slow|fast) of NTP time/i.exec(kv.get('System time') ?? '');
  const leap = kv.get('Leap status') ?? null;
  const referenceId = ref[1].toUpperCase();
  const synchronized = referenceId !== '00000000' && referenceId !== '7F7F0101' && leap !== null && !/not synchronised/i.test(leap);
  return {
    referenceId,
    source: (ref[2] ?? '').trim(),
    offsetMs: sys?.[1] ? roundMs(Math.abs(Number(sys[1])) * 1000) : null,
    leap,
    synchronized,
  };
}

// `timedatectl timesync-status` (systemd-timesyncd, systemd >= 239):
//          Server: 91.189.91.157 (ntp.ubuntu.com)
//            Leap: normal
//          Offset: -1.063ms
// Durations use systemd's units: ns, us, ms, s, min (and "h" for very large offsets).

export interface TimesyncStatus {
  server: string | null;
  offsetMs: number | null;
  leap: string | null;
  /** A server answered: timesyncd prints no Offset before the first successful exchange. */
  answered: boolean;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/** "-1.063ms", "1min 2.5s", "27us" to milliseconds (absolute), or null. */
export function systemdDurationMs(v: string): number | null {
  const parts = [...v.trim().matchAll(/([-+]?\d+(?:\.\d+)?)\s*(ns|us|µs|ms|min|s|h)\b/g)];
  if (!parts.length) return null;
  let total = 0;
  for (const p of parts) total += Math.abs(Number(p[1])) * (UNIT_MS[p[2]!] ?? NaN);
  return Number.isFinite(total) ? roundMs(total) : null;
}

export function parseTimesyncStatus(text: string): TimesyncStatus | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) kv.set(m[1], m[2].trim());
  }
  if (!kv.has('Server') && !kv.has('Offset')) return null;
  const server = kv.get('Server');
  const offset = kv.get('Offset');
  return {
    server: server && server !== 'n/a' && server !== 'null' ? server : null,
    offsetMs: offset ? systemdDurationMs(offset) : null,
    leap: kv.get('Leap') ?? null,
    answered: offset !== undefined && systemdDurationMs(offset) !== null,
  };
}

// `ntpq -pn` (ntpd, ntpsec): a peer table; the first column's tally code '*' marks the system peer the
// clock is synchronised to. Columns: remote refid st t when poll reach delay offset jitter (ms).

export interface NtpqPeers {
  peers: string[];
  /** Address of the '*' peer, null when the daemon has not selected one (not synchronised). */
  systemPeer: string | null;
  offsetMs: number | null;
}

export function parseNtpqPeers(text: string): NtpqPeers | null {
  const lines = text.split('\n');
  if (!lines.some((l) => /^\s*remote\s+refid\s+st\s+t\s+when/.test(l))) return null;
  const peers: string[] = [];
  let systemPeer: string | null = null;
  let offsetMs: number | null = null;
  for (const line of lines) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || !/^[ *#o+x.\-]?[0-9a-fA-F:.[\]]+$/.test(cols[0] ?? '')) continue;
    const tally = /^[*#o+x.\-]/.test(cols[0]!) ? cols[0]![0] : ' ';
    const addr = tally === ' ' ? cols[0]! : cols[0]!.slice(1);
    peers.push(addr);
    if (tally === '*' || tally === 'o') {
      systemPeer = addr;
      const off = Number(cols[8]);
      offsetMs = Number.isFinite(off) ? roundMs(Math.abs(off)) : null;
    }
  }
  return { peers, systemPeer, offsetMs };
}

function roundMs(v: number): number {
  return Math.round(v * 1000) / 1000;
}
