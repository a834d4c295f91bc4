// The "mount-controls" dictionary of a com.apple.systemuiserver configuration profile (the Media Access
// payload): per media class ("harddisk-external", "harddisk-internal", "dvd", "bd", "blankcd", ...) a
// list of actions, any of "authenticate", "read-only", "deny", "eject". USB mass storage is the
// harddisk-external class. deny and eject stop the volume from being used; read-only lets it be read.
import { isDict, type PlistValue } from '../darwin-common.js';

export type ExternalDiskPolicy = { blocking: boolean; actions: string[] };

/** The harddisk-external policy in a systemuiserver plist; 'none' when the profile does not set it. */
export function externalDiskPolicy(plist: PlistValue | null): ExternalDiskPolicy | 'none' | null {
  if (!isDict(plist)) return null;
  const mc = plist['mount-controls'];
  if (mc === undefined) return 'none';
  if (!isDict(mc)) return null;
  const ext = mc['harddisk-external'];
  if (ext === undefined) return 'none';
  if (!Array.isArray(ext)) return null;
  const actions = ext.filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase());
  return { blocking: actions.includes('deny') || actions.includes('eject'), actions };
}
