// Agent clock skew, against a collector process (maxClockSkewMs 5 min by default). The agent reads the
// system clock, which a test cannot move for one process, so a scripted device plays the skewed agent:
//   hello 10 min ahead or behind → E_CLOCK_SKEW, session refused, tamper event recorded;
//   hello 2 min ahead (within the allowance) → accepted, and the offset is recorded on the device
//     (devices.last_clock_skew_ms, shown by `device show` and the dashboard);
//   evidence collected a day in the future or 40 days ago → E_TIME_WINDOW, tamper event, not stored.
// Never silently accepted: every case is either refused with its code or recorded with the offset.
import { join } from 'node:path';
import { COLLECTOR_CLI, CollectorProc, OutcomeBuilder, enrolKey, runNode, storedRows, tempDir, type FaultOutcome } from './harness.js';
import { attestation, handshake, hashOf } from './wire.js';

const MIN = 60_000;

export async function clockSkew(opts: { name?: string } = {}): Promise<FaultOutcome> {
  const out = new OutcomeBuilder(opts.name ?? 'clock-skew', 'agent clock ±10 min (refused), +2 min (recorded), evidence ±days (refused)');
  const dir = await tempDir('vigil-fault-cs-');
  const collector = await CollectorProc.init(join(dir.path, 'collector'));
  try {
    await collector.start();
    const { enrolment, key } = await enrolKey(await collector.token(1));
    const db = await collector.openDb();
    try {
      const cases: Record<string, unknown>[] = [];
      for (const offset of [10 * MIN, -10 * MIN]) {
        const s = await handshake(enrolment, key, new Date(Date.now() + offset));
        const closed = await s.closed;
        cases.push({ hello: `${offset / MIN} min`, answer: s.answer.code ?? s.answer.type, close: closed.code });
        out.expect(s.answer.type === 'error' && s.answer.code === 'E_CLOCK_SKEW', `hello ${offset / MIN} min off: answered ${JSON.stringify(s.answer)}`);
      }

      // Within the allowance: accepted, with the offset on record.
      const ok = await handshake(enrolment, key, new Date(Date.now() + 2 * MIN));
      out.expect(ok.answer.type === 'welcome', `hello 2 min ahead: answered ${JSON.stringify(ok.answer)}`);
      const row = await db.get<{ last_clock_skew_ms: number | null }>('SELECT last_clock_skew_ms FROM devices WHERE id = ?', [enrolment.deviceId]);
      const skew = row?.last_clock_skew_ms ?? null;
      out.expect(skew !== null && Math.abs(skew - 2 * MIN) < 10_000, `devices.last_clock_skew_ms is ${skew}, expected about ${2 * MIN}`);
      const show = await runNode(COLLECTOR_CLI, ['device', 'show', enrolment.deviceId, '--data', collector.data, '--json']);
      const shown = /"last_?[cC]lock_?[sS]kew_?[mM]s"\s*:\s*(-?\d+)/.exec(show.stdout);
      out.expect(shown !== null && Number(shown[1]) === skew, `device show --json does not show the clock offset: ${show.stdout.slice(0, 400)}`);
      cases.push({ hello: '+2 min', answer: ok.answer.type, recordedSkewMs: skew });

      // Evidence outside the window, each on a fresh session (a refusal ends the session).
      let session = ok;
      for (const [label, at] of [['+1 day', Date.now() + 24 * 60 * MIN], ['-40 days', Date.now() - 40 * 24 * 60 * MIN]] as const) {
        const text = attestation(key, 1, key.digest, new Date(at).toISOString());
        session.send({ v: 1, type: 'attestation', seq: 1, envelope: text });
        const answer = await session.next('ack');
        cases.push({ evidence: label, answer: answer.code ?? answer.type });
        out.expect(answer.type === 'error' && answer.code === 'E_TIME_WINDOW', `evidence collected ${label}: answered ${JSON.stringify(answer)}`);
        await session.closed;
        session = await handshake(enrolment, key, new Date(Date.now() + 2 * MIN));
      }

      // A skewed-but-allowed agent's evidence (collected by its clock, 2 min ahead) is stored.
      const good = attestation(key, 1, key.digest, new Date(Date.now() + 2 * MIN).toISOString());
      session.send({ v: 1, type: 'attestation', seq: 1, envelope: good });
      const ack = await session.next('ack');
      out.expect(ack.type === 'ack' && ack.seq === 1, `evidence 2 min ahead: answered ${JSON.stringify(ack)}`);
      session.ws.close();

      const tamper = await db.all<{ code: string }>('SELECT code FROM tamper_events WHERE device_id = ? ORDER BY id', [enrolment.deviceId]);
      const codes = tamper.map((t) => t.code);
      out.expect(codes.filter((c) => c === 'E_CLOCK_SKEW').length === 2, `tamper events: ${codes.join(', ')} (expected two E_CLOCK_SKEW)`);
      out.expect(codes.filter((c) => c === 'E_TIME_WINDOW').length === 2, `tamper events: ${codes.join(', ')} (expected two E_TIME_WINDOW)`);
      const rows = await storedRows(db, enrolment.deviceId);
      out.sent = 1;
      out.stored = rows.length;
      out.lost = rows.some((r) => r.sha256 === hashOf(good)) ? 0 : 1;
      out.duplicated = Math.max(0, rows.length - 1);
      out.details.cases = cases;
      out.details.tamperCodes = codes;
      out.details.refused = 4;
    } finally {
      await db.close();
    }
    return out.done();
  } finally {
    await collector.kill('SIGKILL');
    await dir.cleanup();
  }
}
