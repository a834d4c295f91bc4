// Remote access on macOS: the three Sharing services and the VNC password.
// - Remote Login (OpenSSH): on when launchd has com.openssh.sshd loaded (sshd runs per connection);
//   then the effective settings come from `sshd -T` (root). Reported as "sshd" so that unknown
//   settings are judged the same way as on Linux.
// - Screen Sharing: on when com.apple.screensharing is loaded.
// - Remote Management (Apple Remote Desktop): on when the ARD agent's launchd marker file
//   /Library/Application Support/Apple/Remote Desktop/RemoteManagement.launchd says "enabled" (what
//   `kickstart -activate` writes).
// A legacy VNC password (/Library/Preferences/com.apple.VNCSettings.txt) lets any VNC viewer in with a
// single shared password and no account; it matters when Screen Sharing or Remote Management is on.
import type { RemoteAccessFacts } from '../../../protocol/checks/remote-access.js';
import type { CommandResult } from '../../runner.js';
import { parseLaunchctlList } from '../audit_logging/parse-launchctl.js';
import { DarwinProbe } from '../darwin-common.js';
import { clip, deniedByPermission, whyFailed } from '../linux-common.js';
import { needsAdmin, parseSystemsetupOnOff } from '../time_sync/parse-systemsetup.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseSshdT } from './parse-sshd-t.js';

export const SSHD_LIST_ARGV = ['launchctl', 'list', 'com.openssh.sshd'];
export const REMOTE_LOGIN_ARGV = ['systemsetup', '-getremotelogin'];
export const SSHD_T_ARGV = ['/usr/sbin/sshd', '-T'];
export const SCREENSHARING_LIST_ARGV = ['launchctl', 'list', 'com.apple.screensharing'];
export const ARD_MARKER = '/Library/Application Support/Apple/Remote Desktop/RemoteManagement.launchd';
export const VNC_SETTINGS = '/Library/Preferences/com.apple.VNCSettings.txt';

type Service = RemoteAccessFacts['services'][number];
const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;

async function loaded(p: DarwinProbe, argv: string[]): Promise<{ on: boolean | null; why: string }> {
  const r = await p.run(argv);
  const job = r.failure ? null : parseLaunchctlList(`${r.stdout}\n${r.stderr}`);
  if (job === null) return { on: null, why: whyFailed(r) };
  return { on: job !== 'not-loaded', why: job === 'not-loaded' ? `${argv[2]} not loaded` : `${argv[2]} loaded` };
}

async function remoteLogin(p: DarwinProbe): Promise<Service> {
  let { on, why } = await loaded(p, SSHD_LIST_ARGV);
  if (on === null) {
    const r = await p.run(REMOTE_LOGIN_ARGV);
    const out = `${r.stdout}\n${r.stderr}`;
    on = r.failure ? null : parseSystemsetupOnOff(out, 'Remote Login');
    if (on === null) why = clip(`${why}; systemsetup: ${needsAdmin(out) ? 'needs root and Full Disk Access' : whyFailed(r)}`, 1024);
    else why = `systemsetup: Remote Login ${on ? 'On' : 'Off'}`;
  }
  if (on !== true) return { name: 'sshd', enabled: on, detail: clip(`Remote Login: ${why}`, 1024) };
  const t = await p.run(SSHD_T_ARGV);
  const eff = ran(t) ? parseSshdT(t.stdout) : null;
  if (!eff) {
    const reason = ran(t) ? 'sshd -T printed no effective settings' : deniedByPermission(t) ? 'sshd -T needs root' : whyFailed(t);
    return { name: 'sshd', enabled: true, permitRootLogin: null, passwordAuthentication: null, detail: clip(`Remote Login on; ${reason}`, 1024) };
  }
  return { name: 'sshd', enabled: true, permitRootLogin: eff.permitRootLogin, passwordAuthentication: eff.passwordAuthentication, detail: 'Remote Login on; effective settings from sshd -T' };
}

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const vnc = await p.exists(VNC_SETTINGS);
  const services: Service[] = [await remoteLogin(p)];
  const ss = await loaded(p, SCREENSHARING_LIST_ARGV);
  services.push({ name: 'screen-sharing', enabled: ss.on, ...(ss.on ? { legacyVncPassword: vnc } : {}), detail: clip(ss.why, 1024) });
  const marker = await p.readText(ARD_MARKER, 4096);
  const ard = marker === null ? !(await p.exists(ARD_MARKER)) ? false : null : /enabled/i.test(marker);
  services.push({
    name: 'remote-management',
    enabled: ard,
    ...(ard ? { legacyVncPassword: vnc } : {}),
    detail: ard === null ? `${ARD_MARKER} exists but could not be read` : ard ? 'Apple Remote Desktop agent enabled' : 'Apple Remote Desktop agent not activated',
  });
  const facts: RemoteAccessFacts = { services };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<RemoteAccessFacts> = { id: 'remote_access', collect };
export default check;
