// Listening services: every TCP socket in LISTEN state and every bound UDP socket, with its address and,
// where the OS tells, the owning process. Evaluated against insecure-service rules (always) and an
// allowlist of approved services (when the role enforces one: the gateway role does by default).
//
// Loopback listeners are not reachable from the network and are left out of both rules by default: a
// DICOM router bound to 127.0.0.1 behind a local TLS proxy is fine, the same router on 0.0.0.0 is not.
import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str } from './nullable.js';

export const MAX_LISTENERS = 512;

export const Listener = Type.Object({
  protocol: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
  /** The bound address as the OS prints it: "0.0.0.0", "::", "*" (any family), "127.0.0.1", "10.1.2.3". */
  address: Str(64),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** Owning process name; null when the OS did not say (Linux without root, netstat fallbacks). */
  process: Nullable(Str(64)),
  pid: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
});
export type Listener = Static<typeof Listener>;

export const ListeningServicesFacts = Type.Object({
  /** Which table the listeners come from: ss, /proc/net, Get-NetTCPConnection, netstat, lsof. */
  source: Str(64),
  listeners: Type.Array(Listener, { maxItems: MAX_LISTENERS }),
  /** More sockets than MAX_LISTENERS were found; the rest were dropped. */
  truncated: Type.Optional(Type.Boolean()),
  /** UDP sockets were looked for (false on sources that list TCP only). */
  udpListed: Type.Boolean(),
  /** Windows: Get-SmbServerConfiguration EnableSMB1Protocol; null when it could not be read; absent elsewhere. */
  smb1: Type.Optional(Nullable(Type.Boolean())),
});
export type ListeningServicesFacts = Static<typeof ListeningServicesFacts>;

export const AllowEntry = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    protocol: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('udp')])),
    /** Process name that must own the socket (exact, case-insensitive). */
    process: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Address the socket must be bound to: an exact address, or "loopback". Absent: any. */
    address: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type AllowEntry = Static<typeof AllowEntry>;

export interface ListeningServicesParams {
  /** Every network-reachable listener must match an allowlist entry. */
  enforceAllowlist: boolean;
  allowed: AllowEntry[];
  /** Flag telnet, FTP, SMBv1, VNC, plain HTTP and DICOM/HL7 open to every address. */
  flagInsecure: boolean;
  /** Leave loopback-bound listeners out of both rules. */
  ignoreLoopback: boolean;
}

export function isWildcard(address: string): boolean {
  const a = address.toLowerCase();
  return a === '*' || a === '0.0.0.0' || a === '::' || a === '[::]' || a === '::ffff:0.0.0.0' || a === '0:0:0:0:0:0:0:0';
}

export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/%.*$/, '');
  return a.startsWith('127.') || a === '::1' || a === 'localhost' || a.startsWith('::ffff:127.') || a === '0:0:0:0:0:0:0:1';
}

function matches(l: Listener, e: AllowEntry): boolean | null {
  if (e.port !== l.port) return false;
  if (e.protocol && e.protocol !== l.protocol) return false;
  if (e.address) {
    if (e.address.toLowerCase() === 'loopback' ? !isLoopback(l.address) : e.address.toLowerCase() !== l.address.toLowerCase()) return false;
  }
  if (e.process) {
    if (l.process === null) return null; // the port fits, the owner cannot be told
    if (e.process.toLowerCase() !== l.process.toLowerCase()) return false;
  }
  return true;
}

const DICOM_HL7: Record<number, string> = { 104: 'DICOM', 11112: 'DICOM', 2575: 'HL7 MLLP' };

/** Why this listener is insecure, or null. Only network-reachable TCP listeners are judged. */
export function insecureReason(l: Listener, smb1: boolean | null | undefined): string | null {
  if (l.protocol !== 'tcp') return null;
  const at = `${l.address}:${l.port}${l.process ? ` (${l.process})` : ''}`;
  if (l.port === 23) return `telnet listens on ${at}: credentials travel in the clear`;
  if (l.port === 21) return `FTP listens on ${at}: credentials travel in the clear`;
  if ((l.port === 445 || l.port === 139) && smb1 === true) return `SMBv1 is enabled and SMB listens on ${at}`;
  if (l.port >= 5900 && l.port <= 5903) return `VNC listens on ${at}: its authentication cannot be verified from the socket; bind it to loopback and tunnel it`;
  if (l.port === 80 || l.port === 8080) return `plain HTTP listens on ${at}: an admin console must use HTTPS`;
  const proto = DICOM_HL7[l.port];
  if (proto && isWildcard(l.address)) return `${proto} listens on every address (${at}): bind it to the device network's address`;
  return null;
}

function describe(l: Listener): string {
  return `${l.protocol} ${l.address}:${l.port}${l.process ? ` (${l.process})` : ''}`;
}

export const listeningServices: CheckDefinition<ListeningServicesFacts, ListeningServicesParams> = {
  id: 'listening_services',
  title: 'Listening services',
  factsSchema: ListeningServicesFacts,
  defaultParams: { enforceAllowlist: false, allowed: [], flagInsecure: true, ignoreLoopback: true },
  paramsSchema: Type.Object(
    {
      enforceAllowlist: Type.Boolean({ description: 'every listener reachable from the network must match an entry of allowed' }),
      allowed: Type.Array(AllowEntry, {
        maxItems: 256,
        description: 'approved services: {port, protocol?: tcp|udp, process?: name, address?: exact address or "loopback"}',
      }),
      flagInsecure: Type.Boolean({ description: 'fail on telnet, FTP, SMBv1, VNC, plain HTTP (80/8080), DICOM (104/11112) or HL7 (2575) open to every address' }),
      ignoreLoopback: Type.Boolean({ description: 'leave listeners bound to loopback (127.0.0.0/8, ::1) out of both rules' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    const lines = [`${facts.listeners.length} listener(s) from ${facts.source}${facts.truncated ? ' (truncated)' : ''}`];
    for (const l of facts.listeners.slice(0, 20)) lines.push(describe(l));
    if (facts.listeners.length > 20) lines.push(`… ${facts.listeners.length - 20} more`);
    if (facts.smb1 !== undefined) lines.push(`SMBv1 ${facts.smb1 === null ? 'unknown' : facts.smb1 ? 'enabled' : 'disabled'}`);
    return lines;
  },
  evaluate(facts, params) {
    const fails: string[] = [];
    const unknowns: string[] = [];
    const exposed = facts.listeners.filter((l) => !(params.ignoreLoopback && isLoopback(l.address)));
    if (params.flagInsecure) {
      for (const l of exposed) {
        const why = insecureReason(l, facts.smb1);
        if (why) fails.push(why);
      }
      if (facts.smb1 === null && exposed.some((l) => l.protocol === 'tcp' && (l.port === 445 || l.port === 139))) unknowns.push('SMB listens but whether SMBv1 is enabled could not be read');
    }
    if (params.enforceAllowlist) {
      const notAllowed: string[] = [];
      const unsure: string[] = [];
      for (const l of exposed) {
        const m = params.allowed.map((e) => matches(l, e));
        if (m.includes(true)) continue;
        if (m.includes(null)) unsure.push(describe(l));
        else notAllowed.push(describe(l));
      }
      if (notAllowed.length) fails.push(`not on the allowlist: ${notAllowed.slice(0, 10).join(', ')}${notAllowed.length > 10 ? ` and ${notAllowed.length - 10} more` : ''}`);
      if (unsure.length) unknowns.push(`owning process unknown, allowlist needs it: ${unsure.slice(0, 10).join(', ')}`);
    }
    if (facts.truncated) unknowns.push(`more than ${MAX_LISTENERS} listeners; the rest were not reported`);
    if (fails.length) return { status: 'fail', reason: joinReasons([...fails, ...unknowns]) };
    if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
    return exposed.length ? { status: 'pass' } : { status: 'pass', reason: 'nothing listens on a network address' };
  },
};
