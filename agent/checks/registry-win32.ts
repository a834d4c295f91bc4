import type { PlatformCheck } from './types.js';
import diskEncryption from './disk_encryption/windows.js';
import patchLevel from './patch_level/windows.js';
import firewall from './firewall/windows.js';
import mdmEnrollment from './mdm_enrollment/windows.js';
import antivirusEdr from './antivirus_edr/windows.js';
import screenLock from './screen_lock/windows.js';
import osEol from './os_eol/windows.js';
import timeSync from './time_sync/windows.js';
import auditLogging from './audit_logging/windows.js';
import localAdmins from './local_admins/windows.js';
import usbStorage from './usb_storage/windows.js';
import remoteAccess from './remote_access/windows.js';
import secureBoot from './secure_boot/windows.js';
import listeningServices from './listening_services/windows.js';
import neighbourInventory from './neighbour_inventory/windows.js';

export const WIN32_CHECKS: readonly PlatformCheck[] = [
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
