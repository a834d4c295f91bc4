import type { PlatformCheck } from './types.js';
import diskEncryption from './disk_encryption/darwin.js';
import patchLevel from './patch_level/darwin.js';
import firewall from './firewall/darwin.js';
import mdmEnrollment from './mdm_enrollment/darwin.js';
import antivirusEdr from './antivirus_edr/darwin.js';
import screenLock from './screen_lock/darwin.js';
import osEol from './os_eol/darwin.js';
import timeSync from './time_sync/darwin.js';
import auditLogging from './audit_logging/darwin.js';
import localAdmins from './local_admins/darwin.js';
import usbStorage from './usb_storage/darwin.js';
import remoteAccess from './remote_access/darwin.js';
import secureBoot from './secure_boot/darwin.js';
import listeningServices from './listening_services/darwin.js';
import neighbourInventory from './neighbour_inventory/darwin.js';

export const DARWIN_CHECKS: readonly PlatformCheck[] = [
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
