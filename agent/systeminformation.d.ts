// Types for the systeminformation modules that agent/device-facts.ts imports directly; the package's own
// declarations cover only its index.
declare module 'systeminformation/lib/osinfo.js' {
  import type { Systeminformation } from 'systeminformation';
  export function osInfo(): Promise<Systeminformation.OsData>;
}
declare module 'systeminformation/lib/system.js' {
  import type { Systeminformation } from 'systeminformation';
  export function system(): Promise<Systeminformation.SystemData>;
}
declare module 'systeminformation/lib/util.js' {
  export function getCodepage(): string;
  export function getPowershell(): void;
}
