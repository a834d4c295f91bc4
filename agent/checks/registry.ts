// Picks each check's implementation for the running platform, once. A check without an implementation
// for this platform reports `unknown` with that reason: never a silent pass.
import { CHECK_IDS } from '../../protocol/checks/index.js';
import type { Platform } from '../../protocol/checks/types.js';
import type { PlatformCheck } from './types.js';
import diskEncryptionLinux from './disk_encryption/linux.js';
import patchLevelLinux from './patch_level/linux.js';
import firewallLinux from './firewall/linux.js';
import mdmEnrollmentLinux from './mdm_enrollment/linux.js';

const IMPLEMENTATIONS: Record<Platform, PlatformCheck[]> = {
  linux: [diskEncryptionLinux, patchLevelLinux, firewallLinux, mdmEnrollmentLinux],
  darwin: [],
  win32: [],
};

function unsupported(id: string, platform: string): PlatformCheck {
  return {
    id,
    async collect() {
      return { facts: null, reason: `check ${id} is not implemented on ${platform} in this agent version`, evidence: [] };
    },
  };
}

export function checksFor(platform: string): PlatformCheck[] {
  const impls = IMPLEMENTATIONS[platform as Platform] ?? [];
  return CHECK_IDS.map((id) => impls.find((c) => c.id === id) ?? unsupported(id, platform));
}
