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
  {
    version: 3,
    name: 'audit evidence: policy versions, evaluation history, waivers, statement of applicability, API tokens',
    // Portable SQL (SQLite today, PostgreSQL later): TEXT times in ISO-8601 UTC (they sort lexically),
    // INTEGER booleans, no SQLite-only functions. Window functions (LAG) exist in both.
    sql: `
CREATE TABLE policy_versions (
  version TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  source TEXT NOT NULL,
  first_loaded_at TEXT NOT NULL
);

-- Where each device x check stands now: updated in the ingest transaction, so device views and
-- first-failed / last-passed never scan history. first_failed_* = first fail since the last pass.
CREATE TABLE check_state (
  device_id TEXT NOT NULL REFERENCES devices(id),
  check_id TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  since_seq INTEGER NOT NULL,
  since_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  last_at TEXT NOT NULL,
  first_failed_seq INTEGER,
  first_failed_at TEXT,
  last_passed_seq INTEGER,
  last_passed_at TEXT,
  PRIMARY KEY (device_id, check_id)
);

-- Status changes only (plus each check's first evaluation): sparse, so first-failed / last-passed
-- as of any past moment is a short read. prev_* is the evaluation just before the change.
CREATE TABLE check_transitions (
  device_id TEXT NOT NULL,
  check_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  collected_at TEXT NOT NULL,
  prev_status TEXT,
  prev_seq INTEGER,
  prev_collected_at TEXT,
  PRIMARY KEY (device_id, check_id, seq)
);

-- As-of queries: the newest envelope per device collected at or before a moment.
CREATE INDEX envelopes_collected ON envelopes(device_id, collected_at, seq);

CREATE TABLE waivers (
  id TEXT PRIMARY KEY,
  device_id TEXT,
  check_id TEXT,
  control_id TEXT,
  reason TEXT NOT NULL,
  approver TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT,
  revoke_reason TEXT
);

-- Statement of Applicability: append-only, the newest decision per control applies.
CREATE TABLE soa_decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  control_id TEXT NOT NULL,
  applicable INTEGER NOT NULL,
  justification TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL
);
CREATE INDEX soa_decisions_control ON soa_decisions(control_id, id);

CREATE TABLE manual_evidence (
  id TEXT PRIMARY KEY,
  control_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  filename TEXT NOT NULL,
  note TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
);
CREATE INDEX manual_evidence_control ON manual_evidence(control_id, added_at);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);

-- Backfill history from the evaluations stored before this migration.
INSERT INTO check_transitions (device_id, check_id, seq, status, collected_at, prev_status, prev_seq, prev_collected_at)
SELECT device_id, check_id, seq, status, collected_at, prev_status, prev_seq, prev_collected_at FROM (
  SELECT device_id, check_id, seq, status, collected_at,
         LAG(status) OVER (PARTITION BY device_id, check_id ORDER BY seq) AS prev_status,
         LAG(seq) OVER (PARTITION BY device_id, check_id ORDER BY seq) AS prev_seq,
         LAG(collected_at) OVER (PARTITION BY device_id, check_id ORDER BY seq) AS prev_collected_at
    FROM check_results
) h
WHERE prev_status IS NULL OR prev_status <> status;

INSERT INTO check_state (device_id, check_id, status, reason, since_seq, since_at, last_seq, last_at,
                         first_failed_seq, first_failed_at, last_passed_seq, last_passed_at)
SELECT r.device_id, r.check_id, r.status, r.reason,
       t.seq, t.collected_at, r.seq, r.collected_at,
       (SELECT MIN(f.seq) FROM check_results f WHERE f.device_id = r.device_id AND f.check_id = r.check_id AND f.status = 'fail'
           AND f.seq > COALESCE((SELECT MAX(p.seq) FROM check_results p WHERE p.device_id = r.device_id AND p.check_id = r.check_id AND p.status = 'pass'), 0)),
       NULL,
       (SELECT MAX(p.seq) FROM check_results p WHERE p.device_id = r.device_id AND p.check_id = r.check_id AND p.status = 'pass'),
       NULL
  FROM check_results r
  JOIN (SELECT device_id, check_id, MAX(seq) AS seq FROM check_results GROUP BY device_id, check_id) latest
    ON latest.device_id = r.device_id AND latest.check_id = r.check_id AND latest.seq = r.seq
  JOIN check_transitions t
    ON t.device_id = r.device_id AND t.check_id = r.check_id
   AND t.seq = (SELECT MAX(t2.seq) FROM check_transitions t2 WHERE t2.device_id = r.device_id AND t2.check_id = r.check_id);
UPDATE check_state SET
  first_failed_at = (SELECT c.collected_at FROM check_results c WHERE c.device_id = check_state.device_id AND c.check_id = check_state.check_id AND c.seq = check_state.first_failed_seq),
  last_passed_at = (SELECT c.collected_at FROM check_results c WHERE c.device_id = check_state.device_id AND c.check_id = check_state.check_id AND c.seq = check_state.last_passed_seq);
`,
  },
  {
    version: 4,
    name: 'alerts: alerts with one open per key, storm groups, durable delivery outbox',
    // open_key is kind|subject|check while an alert is not resolved and NULL after: the UNIQUE constraint
    // keeps one open alert per key across collectors sharing a database.
    sql: `
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  device_id TEXT,
  check_id TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  open_key TEXT UNIQUE,
  title TEXT NOT NULL,
  detail TEXT,
  hostname TEXT,
  role TEXT,
  site TEXT,
  flapping INTEGER NOT NULL DEFAULT 0,
  group_id TEXT,
  resolve_group_id TEXT,
  occurrences INTEGER NOT NULL DEFAULT 1,
  opened_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  acked_at TEXT,
  acked_by TEXT,
  resolved_at TEXT,
  resolved_by TEXT,
  resolve_note TEXT
);
CREATE INDEX alerts_key_opened ON alerts(kind, subject, check_id, opened_at);
CREATE INDEX alerts_storm_opened ON alerts(kind, check_id, opened_at);
CREATE INDEX alerts_storm_resolved ON alerts(kind, check_id, resolved_at);
CREATE INDEX alerts_state ON alerts(state, opened_at);
CREATE INDEX alerts_group ON alerts(group_id);
CREATE INDEX alerts_resolve_group ON alerts(resolve_group_id);

-- A storm: alerts of one kind and check past the threshold share one notification per channel. A group
-- is sealed when its first delivery starts; later alerts start a new group.
CREATE TABLE alert_groups (
  id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  kind TEXT NOT NULL,
  check_id TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  sealed_at TEXT
);
CREATE INDEX alert_groups_open ON alert_groups(event, kind, check_id, sealed_at);

-- One row per notification per channel, written in the transaction that detected the event.
CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  event TEXT NOT NULL,
  alert_id TEXT,
  group_id TEXT,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at TEXT NOT NULL,
  lease_until TEXT,
  last_error TEXT,
  delivered_at TEXT
);
CREATE INDEX alert_outbox_due ON alert_outbox(status, next_at);
CREATE INDEX alert_outbox_alert ON alert_outbox(alert_id);
`,
  },
  {
    version: 5,
    name: 'dashboard: users, sessions, fleet trend, list indexes',
    // Version 4 is reserved for alerts. The runner applies this list in order and skips what is applied.
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT
);
-- Session ids are stored as sha256: a copy of the table does not hand out live sessions.
CREATE TABLE sessions (
  id_sha256 TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
-- One row per finished day: device-check results per status at the end of that day (the trend chart).
CREATE TABLE fleet_trend_daily (
  day TEXT PRIMARY KEY,
  pass INTEGER NOT NULL,
  fail INTEGER NOT NULL,
  unknown INTEGER NOT NULL,
  other INTEGER NOT NULL,
  computed_at TEXT NOT NULL
);
-- Device list: search and sort by hostname, filter by check status, keyset paging.
CREATE INDEX devices_hostname ON devices(hostname, id);
CREATE INDEX check_state_check_status ON check_state(check_id, status, device_id);
CREATE INDEX check_state_status ON check_state(status, device_id, check_id);
CREATE INDEX check_transitions_time ON check_transitions(collected_at);
`,
  },
  {
    version: 6,
    name: 'gateways: device inventory and events, MDS2 baselines, device models, end-of-life compensations',
    sql: `
-- One row per processed neighbour_inventory result of a gateway (the facts stay in check_results).
CREATE TABLE inventory_snapshots (
  gateway_id TEXT NOT NULL REFERENCES devices(id),
  seq INTEGER NOT NULL,
  collected_at TEXT NOT NULL,
  devices INTEGER NOT NULL,
  added INTEGER NOT NULL,
  vanished INTEGER NOT NULL,
  PRIMARY KEY (gateway_id, seq)
);
-- The devices behind each gateway, by MAC; present = 0 once it vanished from the gateway's tables.
CREATE TABLE inventory_devices (
  gateway_id TEXT NOT NULL REFERENCES devices(id),
  mac TEXT NOT NULL,
  ip TEXT NOT NULL,
  vendor TEXT,
  hostname TEXT,
  interface TEXT,
  state TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  present INTEGER NOT NULL,
  PRIMARY KEY (gateway_id, mac)
);
CREATE TABLE inventory_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  gateway_id TEXT NOT NULL REFERENCES devices(id),
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('new', 'vanished')),
  mac TEXT NOT NULL,
  ip TEXT NOT NULL,
  vendor TEXT,
  hostname TEXT
);
CREATE INDEX inventory_events_gateway ON inventory_events(gateway_id, id);
CREATE TABLE mds2_models (
  model TEXT PRIMARY KEY,
  source_file TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE TABLE mds2_answers (
  model TEXT NOT NULL REFERENCES mds2_models(model),
  question_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  note TEXT,
  line INTEGER NOT NULL,
  PRIMARY KEY (model, question_id)
);
-- A device's medical-device model as set by an operator (the agent's model fact is often a PC model).
CREATE TABLE device_models (
  device_id TEXT PRIMARY KEY REFERENCES devices(id),
  model TEXT NOT NULL,
  set_at TEXT NOT NULL,
  set_by TEXT NOT NULL
);
CREATE TABLE eol_compensations (
  id TEXT PRIMARY KEY,
  device_id TEXT REFERENCES devices(id),
  role TEXT,
  kind TEXT NOT NULL,
  subnets_json TEXT NOT NULL,
  reason TEXT NOT NULL,
  approver TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  CHECK ((device_id IS NULL) <> (role IS NULL))
);
`,
  },
  {
    version: 7,
    name: 'scale-out: job leases, evidence holds, retention runs, shared rate limits',
    sql: `
-- Background jobs (stale scan, inventory sync, retention) run on one collector at a time: whoever holds
-- the unexpired lease. A crashed holder's lease runs out and another collector takes the job over.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
-- Evidence a running export (or an operator) still needs: retention never prunes envelopes collected
-- after the earliest from_at of an unexpired hold.
CREATE TABLE evidence_holds (
  id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  from_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE retention_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  holder TEXT NOT NULL,
  cutoff TEXT NOT NULL,
  envelopes_deleted INTEGER NOT NULL DEFAULT 0,
  results_deleted INTEGER NOT NULL DEFAULT 0,
  outbox_deleted INTEGER NOT NULL DEFAULT 0,
  kept_pinned INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX envelopes_collected_at ON envelopes(collected_at);
-- Request rate limits (logins, enrolment) counted in the database, so that N collectors behind a load
-- balancer do not grant N times the attempts.
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  reset_at TEXT NOT NULL
);
CREATE INDEX rate_limits_reset ON rate_limits(reset_at);
`,
  },
];

/**
 * The migrations are written in the SQL both engines accept; two DDL spellings differ. SQLite's
 * `INTEGER PRIMARY KEY AUTOINCREMENT` is an identity column on PostgreSQL and BLOB is BYTEA.
 */
export function pgDialect(sql: string): string {
  return sql
    .replace(/INTEGER PRIMARY KEY AUTOINCREMENT/g, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bBLOB\b/g, 'BYTEA');
}
