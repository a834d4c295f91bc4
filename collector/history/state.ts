// Evaluation history, pure part. Every evaluation stays in check_results; what changes when a new one
// arrives is computed here so the ingest transaction and the as-of replay share one definition:
//   - first failed: the first `fail` since the check last passed (null when it has not failed since);
//   - last passed: the newest `pass` (null when it never passed);
//   - since: when the current status began.
// Only `pass` ends a failing streak: an `unknown` between two fails (a probe that timed out) does not
// make an auditor's "failing since" younger than it is.
import type { CheckStatus } from '../../protocol/checks/index.js';

export interface Evaluation {
  checkId: string;
  seq: number;
  collectedAt: string;
  status: CheckStatus;
  reason: string | null;
}

export interface CheckState {
  device_id: string;
  check_id: string;
  status: CheckStatus;
  reason: string | null;
  since_seq: number;
  since_at: string;
  last_seq: number;
  last_at: string;
  first_failed_seq: number | null;
  first_failed_at: string | null;
  last_passed_seq: number | null;
  last_passed_at: string | null;
}

export interface Transition {
  device_id: string;
  check_id: string;
  seq: number;
  status: CheckStatus;
  collected_at: string;
  prev_status: CheckStatus | null;
  prev_seq: number | null;
  prev_collected_at: string | null;
}

/** The state after one more evaluation, and the transition to record when the status changed. */
export function advance(deviceId: string, prev: CheckState | undefined, ev: Evaluation): { state: CheckState; transition: Transition | null } {
  const changed = !prev || prev.status !== ev.status;
  const state: CheckState = {
    device_id: deviceId,
    check_id: ev.checkId,
    status: ev.status,
    reason: ev.reason,
    since_seq: changed ? ev.seq : prev.since_seq,
    since_at: changed ? ev.collectedAt : prev.since_at,
    last_seq: ev.seq,
    last_at: ev.collectedAt,
    first_failed_seq: prev?.first_failed_seq ?? null,
    first_failed_at: prev?.first_failed_at ?? null,
    last_passed_seq: prev?.last_passed_seq ?? null,
    last_passed_at: prev?.last_passed_at ?? null,
  };
  if (ev.status === 'pass') {
    state.last_passed_seq = ev.seq;
    state.last_passed_at = ev.collectedAt;
    state.first_failed_seq = null;
    state.first_failed_at = null;
  } else if (ev.status === 'fail' && state.first_failed_seq === null) {
    state.first_failed_seq = ev.seq;
    state.first_failed_at = ev.collectedAt;
  }
  const transition: Transition | null = changed
    ? {
        device_id: deviceId,
        check_id: ev.checkId,
        seq: ev.seq,
        status: ev.status,
        collected_at: ev.collectedAt,
        prev_status: prev?.status ?? null,
        prev_seq: prev?.last_seq ?? null,
        prev_collected_at: prev?.last_at ?? null,
      }
    : null;
  return { state, transition };
}

export interface HistoricMarks {
  firstFailedSeq: number | null;
  firstFailedAt: string | null;
  lastPassedSeq: number | null;
  lastPassedAt: string | null;
  sinceSeq: number | null;
  sinceAt: string | null;
}

/**
 * First failed / last passed / since as of one evaluation (seq, collectedAt, status), replayed from the
 * check's transitions up to that seq (in seq order). Transitions only record changes, so "last passed"
 * of a check that is passing at `seq` is that evaluation itself, and otherwise the evaluation just
 * before the last change away from pass.
 */
export function marksAsOf(transitions: readonly Transition[], at: { seq: number; collectedAt: string; status: CheckStatus }): HistoricMarks {
  const marks: HistoricMarks = { firstFailedSeq: null, firstFailedAt: null, lastPassedSeq: null, lastPassedAt: null, sinceSeq: null, sinceAt: null };
  for (const t of transitions) {
    if (t.seq > at.seq) break;
    if (t.prev_status === 'pass' && t.prev_seq !== null) {
      marks.lastPassedSeq = t.prev_seq;
      marks.lastPassedAt = t.prev_collected_at;
    }
    if (t.status === 'pass') {
      marks.firstFailedSeq = null;
      marks.firstFailedAt = null;
    } else if (t.status === 'fail' && marks.firstFailedSeq === null) {
      marks.firstFailedSeq = t.seq;
      marks.firstFailedAt = t.collected_at;
    }
    marks.sinceSeq = t.seq;
    marks.sinceAt = t.collected_at;
  }
  if (at.status === 'pass') {
    marks.lastPassedSeq = at.seq;
    marks.lastPassedAt = at.collectedAt;
  }
  return marks;
}
