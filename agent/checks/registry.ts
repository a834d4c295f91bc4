// Picks each check's implementation for the running platform, once. A check without an implementation
// for this platform reports `unknown` with that reason: never a silent pass.
import { CHECK_IDS } from '../../protocol/checks/index.js';
import type { Platform } from '../../protocol/checks/types.js';
import type { PlatformCheck } from './types.js';
import { LINUX_CHECKS } from './registry-linux.js';
import { DARWIN_CHECKS } from './registry-darwin.js';
import { WIN32_CHECKS } from './registry-win32.js';

const IMPLEMENTATIONS: Record<Platform, readonly PlatformCheck[]> = {
  linux: LINUX_CHECKS,
  darwin: DARWIN_CHECKS,
  win32: WIN32_CHECKS,
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
