import type { PlatformCheck } from './types.js';

export const DARWIN_CHECKS: readonly PlatformCheck[] = [];
