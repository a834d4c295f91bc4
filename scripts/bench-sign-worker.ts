// Worker for bench-export: holds a slice of simulated devices (their private keys never leave the
// worker, as on real devices) and signs each day's attestations, keeping every device's hash chain.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { allChecks, predicateFor, signedEnvelope, simDevice, type SimDevice } from './fleet-sim.js';

interface Held {
  index: number;
  device: SimDevice;
  seq: number;
  previous: string;
}

const held: Held[] = [];

export type WorkerRequest = { type: 'init'; indexes: number[]; roles: string[] } | { type: 'day'; day: number; dayStartMs: number };

parentPort!.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'init') {
    for (const [i, index] of msg.indexes.entries()) {
      const device = simDevice(index, msg.roles[i]!);
      held.push({ index, device, seq: 0, previous: device.digest });
    }
    parentPort!.postMessage({ type: 'keys', keys: held.map((h) => ({ index: h.index, publicKeyPem: h.device.publicKeyPem, digest: h.device.digest, facts: h.device.facts, role: h.device.role })) });
    return;
  }
  const out: { index: number; seq: number; text: string }[] = [];
  for (const h of held) {
    // Devices report through the day, spread by index.
    const collectedAt = new Date(msg.dayStartMs + ((h.index * 37) % 1380) * 60_000).toISOString();
    h.seq++;
    const text = signedEnvelope(h.device, predicateFor(h.device, h.seq, h.previous, collectedAt, allChecks(h.device, h.index, msg.day, collectedAt)));
    h.previous = createHash('sha256').update(text, 'utf8').digest('hex');
    out.push({ index: h.index, seq: h.seq, text });
  }
  parentPort!.postMessage({ type: 'day', envelopes: out });
});
