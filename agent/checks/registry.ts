// Every platform's checks at once, for tests and tools that compare platforms. The agent itself loads
// only the running platform's (platform.ts).
import type { Platform } from '../../protocol/checks/types.js';
import type { PlatformCheck } from './types.js';
import { completeChecks } from './platform.js';
import { LINUX_CHECKS } from './registry-linux.js';
import { DARWIN_CHECKS } from './registry-darwin.js';
import { WIN32_CHECKS } from './registry-win32.js';

const IMPLEMENTATIONS: Record<Platform, readonly PlatformCheck[]> = {
  linux: LINUX_CHECKS,
  darwin: DARWIN_CHECKS,
  win32: WIN32_CHECKS,
};

export function checksFor(platform: string): PlatformCheck[] {
  return completeChecks(IMPLEMENTATIONS[platform as Platform] ?? [], platform);
}
