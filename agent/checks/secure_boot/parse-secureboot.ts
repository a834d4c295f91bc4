// Secure Boot state on Linux.
//
// `mokutil --sb-state` prints "SecureBoot enabled" or "SecureBoot disabled", and on a UEFI machine in setup
// mode also "Platform is in Setup Mode"; shim's own validation may be off ("SecureBoot validation is
// disabled in shim"). Without UEFI it says "EFI variables are not supported on this system", and some
// versions print "This system doesn't support Secure Boot".
//
// Without mokutil the EFI variables are read from efivarfs: /sys/firmware/efi/efivars/NAME-GUID holds
// 4 bytes of attributes (little-endian u32, normally 06 or 07 00 00 00) and then the value; SecureBoot and
// SetupMode are one byte, 1 = on. The agent reads files as UTF-8 text; every byte of these variables is
// below 0x80, so each survives as one character (a byte >= 0x80 would turn into U+FFFD and the value is
// then refused as unreadable).

export interface MokutilState {
  /** null when the output does not say (no EFI variables, unknown wording). */
  enabled: boolean | null;
  setupMode: boolean | null;
  /** The system has no EFI variables: legacy BIOS boot (or a kernel without efivarfs). */
  noEfi: boolean;
  shimValidationDisabled: boolean;
}

export function parseMokutilSbState(text: string): MokutilState | null {
  const t = text.replace(/\r/g, '');
  const enabled = /^SecureBoot enabled\b/m.test(t) ? true : /^SecureBoot disabled\b/m.test(t) ? false : null;
  const noEfi = /EFI variables are not supported on this system/i.test(t) || /doesn't support Secure Boot/i.test(t);
  const setupMode = /Platform is in Setup Mode/i.test(t) ? true : enabled !== null ? false : null;
  const shimValidationDisabled = /validation is disabled in shim/i.test(t);
  if (enabled === null && !noEfi) return null;
  return { enabled, setupMode, noEfi, shimValidationDisabled };
}

/** The one-byte value of an efivarfs variable (after its 4 attribute bytes), or null. */
export function efiVarByte(content: string): number | null {
  if (content.length !== 5) return null;
  const codes = [...content].map((c) => c.charCodeAt(0));
  if (codes.some((c) => c > 0xff)) return null;
  // Attributes: boot-service and runtime access (0x06) set, nothing in the upper bytes.
  if ((codes[0]! & 0x06) !== 0x06 || codes[1] !== 0 || codes[2] !== 0 || codes[3] !== 0) return null;
  const value = codes[4]!;
  return value === 0 || value === 1 ? value : null;
}
