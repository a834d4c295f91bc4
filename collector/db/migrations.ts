// Forward-only migrations, applied in order inside one transaction each.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
CREATE TABLE enrolment_tokens (
  id TEXT PRIMARY KEY,
  secret_sha256 TEXT NOT NULL,
  role TEXT NOT NULL,
  site TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  max_uses INTEGER NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0,
  revoked_at TEXT
);
CREATE TABLE enrolment_nonces (
  nonce TEXT PRIMARY KEY,
  token_id TEXT NOT NULL REFERENCES enrolment_tokens(id),
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  public_key_pem TEXT NOT NULL,
  key_digest TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  site TEXT,
  hostname TEXT NOT NULL,
  os_platform TEXT,
  os_name TEXT,
  os_version TEXT,
  arch TEXT,
  serial TEXT,
  model TEXT,
  agent_version TEXT,
  token_id TEXT REFERENCES enrolment_tokens(id),
  enrolled_at TEXT NOT NULL,
  revoked_at TEXT,
  last_seq INTEGER NOT NULL DEFAULT 0,
  last_hash TEXT,
  last_seen_at TEXT,
  last_attested_at TEXT
);
CREATE TABLE envelopes (
  device_id TEXT NOT NULL REFERENCES devices(id),
  seq INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  bytes BLOB NOT NULL,
  collected_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
);
CREATE TABLE check_results (
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  check_id TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  agent_status TEXT NOT NULL,
  agent_reason TEXT,
  facts_json TEXT,
  collected_at TEXT NOT NULL,
  PRIMARY KEY (device_id, seq, check_id),
  FOREIGN KEY (device_id, seq) REFERENCES envelopes(device_id, seq)
);
CREATE TABLE tamper_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  device_id TEXT,
  code TEXT NOT NULL,
  seq INTEGER,
  bytes_sha256 TEXT,
  remote TEXT,
  detail TEXT
);
CREATE INDEX tamper_events_device ON tamper_events(device_id, at);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT,
  detail TEXT
);
`,
  },
  {
    version: 2,
    name: 'clock skew at session start',
    sql: `ALTER TABLE devices ADD COLUMN last_clock_skew_ms INTEGER;`,
  },
];
