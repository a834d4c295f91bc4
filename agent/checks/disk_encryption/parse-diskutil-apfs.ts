// `diskutil apfs list -plist`: Containers[] each with Volumes[] { DeviceIdentifier, Name, Roles[],
// FileVault, Encryption, Locked, CryptoMigrationOn }. The plist has no mount points, so volumes are
// recognised by role: since macOS 10.15 the startup disk is a volume group of a sealed, read-only,
// signed System volume (role System, not counted: it holds no user data) and its Data volume (role
// Data, mounted at /System/Volumes/Data), where all user data lives. Before 10.15 the startup volume has
// no role and is mounted at /.
import { isDict, plistBool, type PlistValue } from '../darwin-common.js';

export interface ApfsVolume {
  device: string;
  name: string;
  roles: string[];
  fileVault: boolean | null;
  encryption: boolean | null;
  locked: boolean | null;
  /** Encryption or decryption is converting the volume right now. */
  converting: boolean | null;
}

export interface ApfsContainer {
  reference: string;
  volumes: ApfsVolume[];
}

/** null when the plist has no Containers array. */
export function parseApfsList(plist: PlistValue | null): ApfsContainer[] | null {
  if (!isDict(plist) || !Array.isArray(plist.Containers)) return null;
  return plist.Containers.filter(isDict).map((c) => ({
    reference: typeof c.ContainerReference === 'string' ? c.ContainerReference : '?',
    volumes: (Array.isArray(c.Volumes) ? c.Volumes : []).filter(isDict).map((v) => ({
      device: typeof v.DeviceIdentifier === 'string' ? v.DeviceIdentifier : '?',
      name: typeof v.Name === 'string' ? v.Name : '',
      roles: Array.isArray(v.Roles) ? v.Roles.filter((r): r is string => typeof r === 'string') : [],
      fileVault: plistBool(v.FileVault),
      encryption: plistBool(v.Encryption),
      locked: plistBool(v.Locked),
      converting: plistBool(v.CryptoMigrationOn),
    })),
  }));
}

/** Apple's helper volumes: boot support, recovery, swap (VM), updates. None holds user data. */
const SYSTEM_ROLES = new Set(['System', 'Preboot', 'Recovery', 'VM', 'Update', 'xART', 'Hardware', 'Backup', 'Prelinked', 'Installer', 'Baseband', 'iSCPreboot']);

export interface StartupLayout {
  container: ApfsContainer;
  /** The volume holding the OS's user data: the Data role volume, or the role-less startup volume. */
  root: ApfsVolume;
  rootMount: string;
  /** Other user volumes in the same container (fixed, internal: the boot container). */
  others: ApfsVolume[];
}

/**
 * The startup container: the one with a System+Data pair, else (before 10.15) the one with a
 * role-less volume next to Preboot/Recovery. null when neither is found, or when several containers
 * qualify (several macOS installs) and the startup one cannot be told from the plist alone.
 */
export function startupLayout(containers: ApfsContainer[]): StartupLayout | null {
  const withData = containers.filter((c) => c.volumes.some((v) => v.roles.includes('Data')) && c.volumes.some((v) => v.roles.includes('System')));
  if (withData.length === 1) {
    const container = withData[0]!;
    const datas = container.volumes.filter((v) => v.roles.includes('Data'));
    if (datas.length !== 1) return null;
    const root = datas[0]!;
    return { container, root, rootMount: '/System/Volumes/Data', others: container.volumes.filter((v) => v !== root && !v.roles.some((r) => SYSTEM_ROLES.has(r) || r === 'Data')) };
  }
  if (withData.length > 1) return null;
  const legacy = containers.filter((c) => c.volumes.some((v) => v.roles.includes('Preboot')) && c.volumes.some((v) => v.roles.length === 0));
  if (legacy.length !== 1) return null;
  const container = legacy[0]!;
  const root = container.volumes.find((v) => v.roles.length === 0)!;
  return { container, root, rootMount: '/', others: container.volumes.filter((v) => v !== root && v.roles.length === 0) };
}
