import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { createTlsMaterial, caFingerprint, ticketKeysFor } from '../../collector/tls.js';
import { resumingConnect, type TlsSessionCache } from '../../agent/tls-session.js';
import { initDataDir, startCollector } from '../../collector/server.js';
import { saveConfig } from '../../collector/config.js';
import { fetchPinnedCa } from '../../agent/http.js';
import { startTestCollector, tempDir } from '../helpers/collector.js';
import { dbOverrides } from '../helpers/db.js';

describe('collector TLS material', () => {
  it('creates a CA and a server certificate for the given names, signed by that CA', () => {
    const m = createTlsMaterial(['localhost', '127.0.0.1', 'collector.hospital.local']);
    const ca = new X509Certificate(m.caPem);
    const cert = new X509Certificate(m.certPem);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain('DNS:collector.hospital.local');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(m.caSha256).toBe(ca.fingerprint256.replace(/:/g, '').toLowerCase());
  });

  it('reuses its CA across restarts so enrolled agents keep trusting it', async () => {
    const dir = await tempDir();
    try {
      const a = await initDataDir(dir.path, { host: '127.0.0.1', port: 0 });
      const b = await initDataDir(dir.path);
      expect(a.createdTls).toBe(true);
      expect(b.createdTls).toBe(false);
      expect(b.tls.caSha256).toBe(a.tls.caSha256);
    } finally {
      await dir.cleanup();
    }
  });

  it('serves operator-supplied PEM files and agents pin the operator CA', async () => {
    const dir = await tempDir();
    try {
      const m = createTlsMaterial(['127.0.0.1']);
      const files = { ca: join(dir.path, 'ca.pem'), cert: join(dir.path, 'chain.pem'), key: join(dir.path, 'key.pem') };
      writeFileSync(files.ca, m.caPem);
      writeFileSync(files.cert, m.certPem + m.caPem);
      writeFileSync(files.key, m.keyPem);
      const data = join(dir.path, 'data');
      const init = await initDataDir(data, { host: '127.0.0.1', port: 0, tls: files, ...(await dbOverrides()) });
      expect(init.createdTls).toBe(false);
      await saveConfig(init.dir, init.config);
      const c = await startCollector(data);
      try {
        expect(c.caSha256).toBe(caFingerprint(m.caPem));
        expect(await fetchPinnedCa(c.url, m.caSha256)).toBe(m.caPem);
      } finally {
        await c.close();
      }
    } finally {
      await dir.cleanup();
    }
  });

  it('refuses to start when a supplied PEM file is missing', async () => {
    const dir = await tempDir();
    try {
      await expect(initDataDir(dir.path, { tls: { ca: join(dir.path, 'nope.pem'), cert: join(dir.path, 'x.pem'), key: join(dir.path, 'y.pem') } })).rejects.toMatchObject({ code: 'E_CONFIG' });
    } finally {
      await dir.cleanup();
    }
  });
});

describe('TLS session resumption', () => {
  it('derives the ticket keys from the server key and the UTC day', () => {
    const a = createTlsMaterial(['127.0.0.1']);
    const b = createTlsMaterial(['127.0.0.1']);
    const day = new Date('2026-12-05T10:00:00Z');
    expect(ticketKeysFor(a.keyPem, day)).toHaveLength(48);
    expect(ticketKeysFor(a.keyPem, new Date('2026-12-05T23:59:59Z'))).toEqual(ticketKeysFor(a.keyPem, day));
    expect(ticketKeysFor(a.keyPem, new Date('2026-12-06T00:00:00Z'))).not.toEqual(ticketKeysFor(a.keyPem, day));
    expect(ticketKeysFor(b.keyPem, day)).not.toEqual(ticketKeysFor(a.keyPem, day));
  });

  /** Opens the stream the way the agent does; resolves with whether TLS resumed, once the challenge came and a ticket is held. */
  async function connectOnce(url: string, caPem: string, cache: TlsSessionCache): Promise<boolean> {
    let socket: TLSSocket | undefined;
    const connect = resumingConnect(cache);
    const ws = new WebSocket(url.replace(/^https/, 'wss') + '/api/v1/stream', {
      ca: caPem,
      rejectUnauthorized: true,
      createConnection: ((opts: Parameters<typeof connect>[0]) => (socket = connect(opts))) as never,
    });
    const before = cache.session;
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('error', reject);
      });
      // The ticket of this connection arrives with or after the handshake.
      for (let i = 0; i < 100 && cache.session === before; i++) await new Promise((r) => setTimeout(r, 20));
      return socket!.isSessionReused();
    } finally {
      ws.terminate();
    }
  }

  it('resumes after a collector restart and on another collector of the same data directory, and falls back elsewhere', async () => {
    const a = await startTestCollector();
    const other = await startTestCollector();
    try {
      const cache: TlsSessionCache = {};
      expect(await connectOnce(a.url, a.caPem, cache)).toBe(false);
      expect(cache.session).toBeInstanceOf(Buffer);
      expect(await connectOnce(a.url, a.caPem, cache)).toBe(true);
      await a.close();
      // The same data directory again, as after a restart or on a second collector behind the balancer.
      const again = await startCollector(a.dataDir);
      try {
        expect(await connectOnce(again.url, again.caPem, cache)).toBe(true);
      } finally {
        await again.close();
      }
      // A collector with another key cannot read the ticket: a full handshake, checked against the pin.
      expect(await connectOnce(other.url, other.caPem, cache)).toBe(false);
      await expect(connectOnce(other.url, a.caPem, {})).rejects.toThrow(/self.signed|certificate/i);
    } finally {
      await other.cleanup();
      await a.cleanup().catch(() => undefined);
    }
  });
});
