// The agent loads only the checks of the platform it runs on: each platform's registry pulls in all of
// that platform's check and parser modules, and code once loaded stays in memory. Another platform's
// registry is loaded on demand (`vigil-agent check --replay DIR --platform windows`). A check without an
// implementation for the platform reports `unknown` with that reason: never a silent pass.
import { CHECK_IDS } from '../../protocol/checks/index.js';
import type { PlatformCheck } from './types.js';

const REGISTRIES: Record<string, () => Promise<readonly PlatformCheck[]>> = {
  linux: async () => (await import('./registry-linux.js')).LINUX_CHECKS,
  darwin: async () => (await import('./registry-darwin.js')).DARWIN_CHECKS,
  win32: async () => (await import('./registry-win32.js')).WIN32_CHECKS,
};

function unsupported(id: string, platform: string): PlatformCheck {
  return {
    id,
    async collect() {
      return { facts: null, reason: `check ${id} is not implemented on ${platform} in this agent version`, evidence: [] };
    },
  };
}

/** Every check in catalogue order: the platform's implementation, else one that reports why there is none. */
export function completeChecks(impls: readonly PlatformCheck[], platform: string): PlatformCheck[] {
  return CHECK_IDS.map((id) => impls.find((c) => c.id === id) ?? unsupported(id, platform));
}

/** The checks for one platform (process.platform spelling), loading only that platform's registry. */
export async function loadChecks(platform: string): Promise<PlatformCheck[]> {
  const load = Object.hasOwn(REGISTRIES, platform) ? REGISTRIES[platform] : undefined;
  return completeChecks(load ? await load() : [], platform);
}
