import type { PlatformCheck } from './types.js';
import diskEncryption from './disk_encryption/linux.js';
import patchLevel from './patch_level/linux.js';
import firewall from './firewall/linux.js';
import mdmEnrollment from './mdm_enrollment/linux.js';

export const LINUX_CHECKS: readonly PlatformCheck[] = [diskEncryption, patchLevel, firewall, mdmEnrollment];
