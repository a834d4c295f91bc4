import type { PlatformCheck } from './types.js';
import diskEncryption from './disk_encryption/linux.js';
import patchLevel from './patch_level/linux.js';
import firewall from './firewall/linux.js';
import mdmEnrollment from './mdm_enrollment/linux.js';
import antivirusEdr from './antivirus_edr/linux.js';
import screenLock from './screen_lock/linux.js';
import osEol from './os_eol/linux.js';
import timeSync from './time_sync/linux.js';
import auditLogging from './audit_logging/linux.js';
import localAdmins from './local_admins/linux.js';
import usbStorage from './usb_storage/linux.js';
import remoteAccess from './remote_access/linux.js';
import secureBoot from './secure_boot/linux.js';
import listeningServices from './listening_services/linux.js';
import neighbourInventory from './neighbour_inventory/linux.js';

export const LINUX_CHECKS: readonly PlatformCheck[] = [
  diskEncryption,
  patchLevel,
  firewall,
  mdmEnrollment,
  antivirusEdr,
  screenLock,
  osEol,
  timeSync,
  auditLogging,
  localAdmins,
  usbStorage,
  remoteAccess,
  secureBoot,
  listeningServices,
  neighbourInventory,
];
