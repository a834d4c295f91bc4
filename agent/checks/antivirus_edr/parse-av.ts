// Anti-malware / EDR product status from each product's own tool. Pure; unknown input gives null.

// `clamscan --version` / `clamd --version` / `freshclam --version`: "ClamAV 0.103.8/26915/Mon Jun 12
// 07:23:02 2023": engine version / daily signature database version / that database's build time (local
// time of the machine that printed it, asctime format). Without a database only "ClamAV 1.0.7" is printed.
export interface ClamVersion {
  engine: string;
  dbVersion: string | null;
  /** Database build time as "YYYY-MM-DDTHH:MM:SS" (no zone), or null. */
  dbBuilt: string | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function parseClamVersion(text: string): ClamVersion | null {
  const m = /ClamAV (\d+(?:\.\d+)+[\w.-]*)(?:\/(\d+)\/(\w{3} (\w{3}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) (\d{4})))?/.exec(text);
  if (!m?.[1]) return null;
  let dbBuilt: string | null = null;
  const month = m[4] ? MONTHS.indexOf(m[4]) : -1;
  if (month >= 0 && m[5] && m[6] && m[7]) dbBuilt = `${m[7]}-${String(month + 1).padStart(2, '0')}-${m[5].padStart(2, '0')}T${m[6]}`;
  return { engine: m[1], dbVersion: m[2] ?? null, dbBuilt };
}

// Microsoft Defender for Endpoint: `mdatp health --output json` prints one object; depending on the
// version a field is a plain value or an object carrying it under "value". The text form (`mdatp
// health`) is "key : value" lines, strings quoted, some values suffixed " [managed]".
export interface MdatpHealth {
  healthy: boolean | null;
  realtime: boolean | null;
  /** Minutes since the definitions were updated. */
  definitionsAgeMinutes: number | null;
  definitionsStatus: string | null;
  appVersion: string | null;
  licensed: boolean | null;
  passive: boolean | null;
}

function scalar(v: unknown): unknown {
  return typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v;
}

function asBool(v: unknown): boolean | null {
  const s = scalar(v);
  if (typeof s === 'boolean') return s;
  if (typeof s === 'string' && /^(true|false)$/i.test(s.trim())) return s.trim().toLowerCase() === 'true';
  return null;
}

function asNumber(v: unknown): number | null {
  const s = scalar(v);
  const n = typeof s === 'number' ? s : typeof s === 'string' && /^\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function asString(v: unknown): string | null {
  const s = scalar(v);
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : null;
}

function fromRecord(r: Record<string, unknown>): MdatpHealth | null {
  if (!('healthy' in r) && !('real_time_protection_enabled' in r)) return null;
  return {
    healthy: asBool(r.healthy),
    realtime: asBool(r.real_time_protection_enabled),
    definitionsAgeMinutes: asNumber(r.definitions_updated_minutes_ago),
    definitionsStatus: asString(r.definitions_status),
    appVersion: asString(r.app_version),
    licensed: asBool(r.licensed),
    passive: asBool(r.passive_mode_enabled),
  };
}

export function parseMdatpHealthJson(text: string): MdatpHealth | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? fromRecord(doc as Record<string, unknown>) : null;
}

export function parseMdatpHealthText(text: string): MdatpHealth | null {
  const r: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\s*:\s*(.*?)\s*(?:\[[a-z]+\])?\s*$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) r[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return fromRecord(r);
}

// CrowdStrike Falcon: `falconctl -g --rfm-state --aid` prints "rfm-state=false." / "aid="<32 hex>"." (or
// "aid is not set."), several values separated by ", ". Reduced functionality mode (RFM) means the sensor
// does not support the running kernel and protects only partially.
export interface FalconState {
  rfm: boolean | null;
  /** Agent id: set once the sensor registered with the cloud. */
  aid: string | null;
}

export function parseFalconctl(text: string): FalconState | null {
  const rfm = /rfm-state\s*=\s*(true|false)/i.exec(text)?.[1];
  const aid = /\baid\s*=\s*"?([0-9a-f]{32})"?/i.exec(text)?.[1];
  const unset = /aid is not set/i.test(text);
  if (rfm === undefined && !aid && !unset) return null;
  return { rfm: rfm === undefined ? null : rfm.toLowerCase() === 'true', aid: aid ?? null };
}

// SentinelOne: `sentinelctl control status` reports whether the agent is running; the wording varies by
// version, so only explicit statements are taken: "Agent state: Enabled|Disabled", "Agent is running" /
// "Agent is not running" (or "stopped").
export function parseSentinelStatus(text: string): boolean | null {
  const state = /agent state\s*:\s*(\w+)/i.exec(text)?.[1]?.toLowerCase();
  if (state === 'enabled') return true;
  if (state === 'disabled') return false;
  if (/agent is (not running|stopped)/i.test(text)) return false;
  if (/agent is running/i.test(text)) return true;
  return null;
}
