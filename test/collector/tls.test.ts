import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTlsMaterial, caFingerprint } from '../../collector/tls.js';
import { initDataDir, startCollector } from '../../collector/server.js';
import { saveConfig } from '../../collector/config.js';
import { fetchPinnedCa } from '../../agent/http.js';
import { tempDir } from '../helpers/collector.js';
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
