import type { PlatformCheck } from './types.js';

export const WIN32_CHECKS: readonly PlatformCheck[] = [];
