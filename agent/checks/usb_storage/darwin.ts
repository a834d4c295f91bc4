// USB mass storage on macOS can only be blocked by a configuration profile: the Media Access payload
// (com.apple.systemuiserver "mount-controls", harddisk-external deny/eject), which an MDM installs into
// /Library/Managed Preferences. macOS 15 adds a declarative Disk Management configuration whose state
// is not written there; it is not visible to this check and a Mac relying on it reports not blocked.
// No managed preferences at all means nothing restricts USB storage: blocked false. A profile that
// exists but cannot be read gives blocked null.
import type { UsbStorageFacts } from '../../../protocol/checks/usb-storage.js';
import { DarwinProbe } from '../darwin-common.js';
import { clip } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { externalDiskPolicy } from './parse-mount-controls.js';

export const MANAGED_PREFS_DIR = '/Library/Managed Preferences';
export const SYSTEMUISERVER_MANAGED = '/Library/Managed Preferences/com.apple.systemuiserver.plist';

type Mechanism = UsbStorageFacts['mechanisms'][number];

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const mechanisms: Mechanism[] = [];
  let blocked: boolean | null;
  if (!(await p.exists(MANAGED_PREFS_DIR))) {
    mechanisms.push({ name: 'media-access-profile', blocking: false, detail: 'no managed preferences: no configuration profile restricts media' });
    blocked = false;
  } else {
    const f = await p.plist(SYSTEMUISERVER_MANAGED);
    if (f.absent) {
      mechanisms.push({ name: 'media-access-profile', blocking: false, detail: 'no Media Access (com.apple.systemuiserver) profile is installed' });
      blocked = false;
    } else {
      const pol = externalDiskPolicy(f.value);
      if (pol === null) {
        mechanisms.push({ name: 'media-access-profile', blocking: null, detail: clip(`profile present but unreadable: ${f.error ?? 'unexpected mount-controls layout'}`, 1024) });
        blocked = null;
      } else if (pol === 'none') {
        mechanisms.push({ name: 'media-access-profile', blocking: false, detail: 'the profile sets no harddisk-external restriction' });
        blocked = false;
      } else {
        mechanisms.push({ name: 'media-access-profile', blocking: pol.blocking, detail: `harddisk-external: ${pol.actions.join(', ') || '(no action)'}` });
        blocked = pol.blocking;
      }
    }
  }
  const facts: UsbStorageFacts = { blocked, mechanisms };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<UsbStorageFacts> = { id: 'usb_storage', collect };
export default check;
