// Screen lock on this machine: headless or not as the file system shows it, and the exact command the
// collector runs for a logged-in user, run for real as an unprivileged account (needs gsettings and the
// GNOME schemas: libglib2.0-bin, gsettings-desktop-schemas).
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import check from '../../../../agent/checks/screen_lock/linux.js';
import { gnomeLock, gnomeValues, parseGVariant, GNOME_KEYS } from '../../../../agent/checks/screen_lock/parse-screenlock.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { ScreenLockFacts } from '../../../../protocol/checks/screen-lock.js';
import { schemaErrors, sh, verdictOf } from '../fakes.js';
import { systemdBooted } from '../fakes-linux-real.js';

describe('screen_lock on this machine', () => {
  it('headless exactly when there is no display manager, no X socket and no logind session', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const facts = c.facts as ScreenLockFacts;
    expect(schemaErrors('screen_lock', facts)).toEqual([]);
    const dm = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'].some((d) => existsSync(`${d}/display-manager.service`));
    if (!dm && !existsSync('/tmp/.X11-unix/X0') && !systemdBooted()) {
      expect(facts).toEqual({ headless: true, settings: [] });
      expect(verdictOf('screen_lock', c)).toEqual({ status: 'not_applicable', reason: 'no graphical sessions on this machine' });
    }
    if (existsSync('/tmp/.X11-unix/X0')) expect(facts.headless).toBe(false);
  });

  it('the per-user gsettings command works as another user and reads what gsettings reads as root', async () => {
    const run = createRunner();
    const env = ['DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/65534/bus', 'XDG_RUNTIME_DIR=/run/user/65534', 'HOME=/nonexistent'];
    const got = new Map<string, ReturnType<typeof parseGVariant>>();
    for (const [schema, key, path] of GNOME_KEYS) {
      const r = await run('runuser', ['-u', 'nobody', '--', 'env', ...env, 'gsettings', 'get', schema, key]);
      expect(r.exitCode, r.stderr).toBe(0);
      got.set(path, parseGVariant(r.stdout));
      expect(got.get(path)).toEqual(parseGVariant(sh('gsettings', ['get', schema, key])));
    }
    const lock = gnomeLock(gnomeValues((k) => got.get(k)));
    expect(lock.enabled).not.toBeNull();
  });
});
