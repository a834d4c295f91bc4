// A stalled consumer: scripted devices that flood the collector with large valid attestations as fast as
// TCP takes them and never read a byte back (their socket is paused: acks pile up unread). The collector
// process must keep its memory bounded (reading from a connection pauses once `window` attestations are
// in flight, so the excess waits in the flooder's own buffers), and the ordinary agents beside them must
// still be served. Resident memory of the collector child is sampled from /proc.
import { join } from 'node:path';
import { CollectorProc, OutcomeBuilder, SimAgent, compare, enrolKey, rssKiB, sleep, storedRows, expectNoTamper, tempDir, until, type FaultOutcome } from './harness.js';
import { attestation, handshake, hashOf } from './wire.js';

export interface StalledOptions {
  name?: string;
  flooders: number;
  floodMs: number;
  /** Padding per attestation, bytes (frames stay under the 1 MiB limit). */
  padding: number;
  /** Attestations each flooder has ready to push. */
  perFlooder: number;
  /** Allowed growth of the collector's RSS during the flood, MiB. */
  maxGrowthMiB: number;
  agents: number;
}

export async function stalledConsumer(opts: StalledOptions): Promise<FaultOutcome> {
  const out = new OutcomeBuilder(opts.name ?? 'stalled-consumer', `${opts.flooders} non-reading flooders (${Math.round(opts.padding / 1024)} KiB attestations) for ${Math.round(opts.floodMs / 1000)} s beside ${opts.agents} agents`);
  const dir = await tempDir('vigil-fault-st-');
  const collector = await CollectorProc.init(join(dir.path, 'collector'));
  const sims: SimAgent[] = [];
  try {
    const proc = await collector.start();
    const pid = proc.proc.pid!;
    const enrolment = await collector.token(opts.agents + opts.flooders);
    for (let i = 0; i < opts.agents; i++) sims.push(await SimAgent.create(join(dir.path, `sim${i}`), enrolment));
    const flooders = await Promise.all(Array.from({ length: opts.flooders }, () => enrolKey(enrolment)));
    for (const s of sims) await s.start(250, { keepaliveMs: 5000, maxBackoffMs: 2000 });
    const db = await collector.openDb();
    try {
      await until(async () => (await Promise.all(sims.map(async (s) => (await storedRows(db, s.deviceId)).length))).every((n) => n >= 3), 30_000, 'agents streaming');
      await sleep(1000);
      const baseline = await rssKiB(pid);

      // Flood: signed ahead (so this process has time for the ordinary agents), sent without ever reading
      // (the socket is paused right after the welcome).
      const started = new Date().toISOString();
      const signed = flooders.map(({ key }) => {
        const texts: string[] = [];
        let prev = key.digest;
        for (let seq = 1; seq <= opts.perFlooder; seq++) {
          texts.push(attestation(key, seq, prev, started, opts.padding));
          prev = hashOf(texts[seq - 1]!);
        }
        return texts;
      });
      let stop = false;
      const stats = flooders.map(() => ({ queued: 0, maxBuffered: 0, closed: false, closeCode: 0 }));
      const floods = flooders.map(async ({ enrolment: e, key }, i) => {
        const s = await handshake(e, key);
        if (s.answer.type !== 'welcome') throw new Error(`flooder hello refused: ${JSON.stringify(s.answer)}`);
        (s.ws as unknown as { _socket: { pause(): void } })._socket.pause();
        void s.closed.then((c) => {
          stats[i]!.closed = true;
          stats[i]!.closeCode = c.code;
        });
        const texts = signed[i]!;
        for (let seq = 1; seq <= texts.length && !stop && !stats[i]!.closed; seq++) {
          s.send({ v: 1, type: 'attestation', seq, envelope: texts[seq - 1]! });
          stats[i]!.queued++;
          stats[i]!.maxBuffered = Math.max(stats[i]!.maxBuffered, s.ws.bufferedAmount);
          // Keep the flooder's own buffer full but finite: the point is what the collector holds.
          while (!stop && s.ws.bufferedAmount > 16 * 1024 * 1024) await sleep(20);
          if (seq % 8 === 0) await sleep(0);
        }
        while (!stop && !stats[i]!.closed) await sleep(50);
        s.ws.terminate();
      });
      const samples: number[] = [];
      const producedBefore = sims.map((s) => s.produced.size);
      const storedBefore = await Promise.all(sims.map(async (s) => (await storedRows(db, s.deviceId)).length));
      const t0 = Date.now();
      while (Date.now() - t0 < opts.floodMs) {
        await sleep(500);
        samples.push(await rssKiB(pid));
        if (!proc.alive()) break;
      }
      const storedDuring = await Promise.all(sims.map(async (s, i) => (await storedRows(db, s.deviceId)).length - storedBefore[i]!));
      const producedDuring = sims.map((s, i) => s.produced.size - producedBefore[i]!);
      stop = true;
      await Promise.all(floods);
      out.expect(proc.alive(), `the collector exited during the flood:\n${proc.output().slice(-2000)}`);
      const peak = Math.max(...samples);
      const growthMiB = (peak - baseline) / 1024;
      out.expect(growthMiB < opts.maxGrowthMiB, `collector RSS grew by ${growthMiB.toFixed(1)} MiB (bound ${opts.maxGrowthMiB} MiB)`);
      const floodStored = await Promise.all(flooders.map(async (f) => (await storedRows(db, f.enrolment.deviceId)).length));
      const queuedBytes = stats.reduce((n, s) => n + s.queued, 0) * opts.padding;
      const storedBytes = floodStored.reduce((a, b) => a + b, 0) * opts.padding;
      // Backpressure: what the flooders pushed mostly waits on their side, not in the collector.
      out.expect(stats.every((s) => s.maxBuffered > 4 * 1024 * 1024), `a flooder never saw its own buffer fill (${stats.map((s) => s.maxBuffered).join(', ')}): the collector took everything`);
      // Others still served: most of what they produced during the flood was stored during it.
      sims.forEach((s, i) => out.expect(storedDuring[i]! >= producedDuring[i]! * 0.5, `agent ${s.deviceId} got ${storedDuring[i]} of ${producedDuring[i]} stored during the flood`));

      await Promise.all(sims.map((s) => s.freeze()));
      await until(async () => (await Promise.all(sims.map((s) => s.pending()))).every((n) => n === 0), 60_000, 'agents drained after the flood').catch((err: Error) => out.failures.push(err.message));
      for (const s of sims) await s.stop();
      for (const s of sims) out.add(compare(s.deviceId, s.produced, await storedRows(db, s.deviceId), s.key.digest));
      const tamper = await expectNoTamper(out, db);
      out.details = {
        baselineRssMiB: +(baseline / 1024).toFixed(1),
        peakRssMiB: +(peak / 1024).toFixed(1),
        growthMiB: +growthMiB.toFixed(1),
        boundMiB: opts.maxGrowthMiB,
        flooderQueuedMiB: +(queuedBytes / 1048576).toFixed(1),
        flooderStoredMiB: +(storedBytes / 1048576).toFixed(1),
        flooderMaxOwnBufferMiB: stats.map((s) => +(s.maxBuffered / 1048576).toFixed(1)),
        rssSamplesMiB: samples.filter((_, i) => i % 4 === 3).map((k) => +(k / 1024).toFixed(0)),
        agentsStoredDuringFlood: storedDuring,
        agentsProducedDuringFlood: producedDuring,
        tamperEvents: tamper,
      };
    } finally {
      await db.close();
    }
    return out.done();
  } finally {
    for (const s of sims) await s.stop().catch(() => undefined);
    await collector.kill('SIGKILL');
    await dir.cleanup();
  }
}
