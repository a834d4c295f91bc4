import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str, Detail } from './nullable.js';

export const RemoteAccessFacts = Type.Object({
  /** Remote administration services: sshd, rdp, screen-sharing, remote-login (macOS ssh), remote-management, vnc, telnet. */
  services: Type.Array(
    Type.Object({
      name: Str(64),
      enabled: Nullable(Type.Boolean()),
      /** sshd: effective PermitRootLogin (yes, no, prohibit-password, forced-commands-only). */
      permitRootLogin: Type.Optional(Nullable(Str(32))),
      /** sshd: effective PasswordAuthentication (or keyboard-interactive passwords). */
      passwordAuthentication: Type.Optional(Nullable(Type.Boolean())),
      /** RDP: Network Level Authentication required. */
      nla: Type.Optional(Nullable(Type.Boolean())),
      /** VNC / Screen Sharing: legacy VNC password access allowed (weak, no account). */
      legacyVncPassword: Type.Optional(Nullable(Type.Boolean())),
      detail: Detail(),
    }),
    { maxItems: 16 },
  ),
});
export type RemoteAccessFacts = Static<typeof RemoteAccessFacts>;

export interface RemoteAccessParams {
  allowPasswordAuthentication: boolean;
  allowRootLogin: boolean;
  requireNla: boolean;
}

export const remoteAccess: CheckDefinition<RemoteAccessFacts, RemoteAccessParams> = {
  id: 'remote_access',
  title: 'Remote access hardening',
  factsSchema: RemoteAccessFacts,
  defaultParams: { allowPasswordAuthentication: false, allowRootLogin: false, requireNla: true },
  paramsSchema: Type.Object(
    {
      allowPasswordAuthentication: Type.Boolean({ description: 'remote log-in with a password is allowed' }),
      allowRootLogin: Type.Boolean({ description: 'remote log-in as root is allowed' }),
      requireNla: Type.Boolean({ description: 'Windows: RDP must require Network Level Authentication' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    if (!facts.services.length) return ['no remote-access service found'];
    return facts.services.map((s) => {
      const extras = [
        s.permitRootLogin != null ? `root login ${s.permitRootLogin}` : '',
        s.passwordAuthentication != null ? `passwords ${s.passwordAuthentication ? 'allowed' : 'refused'}` : '',
        s.nla != null ? `NLA ${s.nla ? 'required' : 'not required'}` : '',
        s.legacyVncPassword ? 'legacy VNC password' : '',
      ].filter(Boolean);
      return `${s.name}: ${s.enabled === null ? 'unknown' : s.enabled ? 'enabled' : 'disabled'}${extras.length ? ` (${extras.join(', ')})` : ''}`;
    });
  },
  evaluate(facts, params) {
    const fails: string[] = [];
    const unknowns: string[] = [];
    for (const s of facts.services) {
      if (s.enabled === false) continue;
      if (s.enabled === null) {
        unknowns.push(`${s.name}: ${s.detail ?? 'state unknown'}`);
        continue;
      }
      if (s.name === 'telnet') fails.push('telnet is enabled (credentials travel in the clear)');
      if (s.permitRootLogin === 'yes' && !params.allowRootLogin) fails.push(`${s.name} permits root login with a password`);
      if (s.passwordAuthentication === true && !params.allowPasswordAuthentication) fails.push(`${s.name} accepts password authentication`);
      if (s.nla === false && params.requireNla) fails.push(`${s.name} does not require Network Level Authentication`);
      if (s.legacyVncPassword === true) fails.push(`${s.name} allows legacy VNC password access`);
      // A setting reported as null was looked for and could not be read (sshd -T needs root): unknown.
      if (s.permitRootLogin === null || s.passwordAuthentication === null) unknowns.push(`${s.name}: effective settings unknown (${s.detail ?? 'sshd -T needs root'})`);
      if (s.nla === null && params.requireNla) unknowns.push(`${s.name}: NLA setting unknown`);
    }
    if (fails.length) return { status: 'fail', reason: joinReasons([...fails, ...unknowns]) };
    if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
    return { status: 'pass' };
  },
};
