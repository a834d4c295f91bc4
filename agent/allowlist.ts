// The only commands the agent may run: programs that read state, with the arguments that keep them
// read-only (a clinical workstation must never be changed by a compliance probe). The runner refuses
// anything else with E_COMMAND_REFUSED before a process is started. A test runs every check of every
// platform and fails when a command it issues is not on this list.
//
// Programs are matched by base name (any directory, ".exe" ignored, case-insensitive on Windows names).
// Wrappers that run a command as another user (runuser, launchctl asuser + sudo, env) are accepted only
// when the command they wrap is itself allowed. No rule allows a scanner or anything that sends packets.

type Rule = (args: readonly string[]) => boolean;

const any: Rule = () => true;
/** The first argument (subcommand) is one of these. */
const first = (...subs: string[]): Rule => (a) => a.length > 0 && subs.includes(a[0]!);
/** Every argument is one of these. */
const only = (...allowed: string[]): Rule => (a) => a.every((x) => allowed.includes(x));
/** No argument is one of these (or starts with one followed by "="). */
const none = (...banned: string[]): Rule => (a) => !a.some((x) => banned.includes(x) || banned.some((b) => b.startsWith('--') && x.startsWith(`${b}=`)));
/** The first argument that is not an option is one of these. */
const verb = (...verbs: string[]): Rule => (a) => {
  const v = a.find((x) => !x.startsWith('-'));
  return v !== undefined && verbs.includes(v);
};
const all = (...rules: Rule[]): Rule => (a) => rules.every((r) => r(a));

// PowerShell scripts may not use a cmdlet whose verb changes state (PowerShell's approved verbs, minus
// those that only read or format), nor run strings as code. Exceptions: New-Object (an in-memory object,
// e.g. the Windows Update searcher), Out-String, Write-Output, and CIM methods whose name starts with Get.
const PS_CHANGING_VERBS = new Set(
  ('add clear close copy enter exit hide lock move new open pop push redo remove rename reset resize set show skip step switch undo ' +
    'unlock watch connect disconnect receive send write backup checkpoint compress dismount edit expand export import initialize ' +
    'limit merge mount out publish restore save sync unpublish update approve build complete deny deploy disable enable install ' +
    'invoke register request restart resume start stop submit suspend uninstall unregister wait debug ping repair resolve block ' +
    'grant protect revoke unblock unprotect use format').split(' '),
);
const PS_EXCEPTIONS = new Set(['new-object', 'out-string', 'write-output', 'invoke-cimmethod']);
const powershell: Rule = (a) => {
  const i = a.indexOf('-Command');
  if (i < 0 || i !== a.length - 2) return false;
  if (!only('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass')(a.slice(0, i))) return false;
  const script = a[i + 1]!;
  if (/\b(iex|icm|saps|invoke-expression|invoke-command|invoke-item|\.invoke)\b|&\s*\$|\[scriptblock\]/i.test(script)) return false;
  for (const m of script.matchAll(/\b([A-Za-z]+)-([A-Za-z]+)\b/g)) {
    const cmdlet = m[0].toLowerCase();
    if (!PS_CHANGING_VERBS.has(m[1]!.toLowerCase())) continue;
    if (!PS_EXCEPTIONS.has(cmdlet)) return false;
  }
  for (const m of script.matchAll(/-MethodName\s+'?(\w+)/gi)) if (!/^Get/.test(m[1]!)) return false;
  return true;
};

const iptables = none('-A', '--append', '-D', '--delete', '-I', '--insert', '-R', '--replace', '-F', '--flush', '-Z', '--zero', '-N', '--new-chain', '-X', '--delete-chain', '-P', '--policy', '-E', '--rename-chain');
const find = none('-delete', '-exec', '-execdir', '-ok', '-okdir', '-fprint', '-fprint0', '-fprintf', '-fls');

export const ALLOWED_COMMANDS: Readonly<Record<string, Rule>> = {
  // Linux
  uname: any,
  lsblk: any,
  blkid: all(none('-g', '--garbage-collect'), (a) => a.includes('-p') || a.includes('-o')),
  cryptsetup: first('status', 'luksDump', 'isLuks'),
  dmsetup: first('ls', 'table', 'info', 'status', 'deps'),
  zfs: first('get', 'list'),
  zpool: first('list', 'status', 'get'),
  nft: (a) => verb('list')(a),
  iptables,
  ip6tables: iptables,
  ufw: first('status'),
  'firewall-cmd': (a) => a.length > 0 && a.every((x) => /^--(state|get-[a-z-]+|list-[a-z-]+|query-[a-z-]+|info-[a-z-]+|zone=[\w-]+)$/.test(x)),
  systemctl: verb('show', 'is-active', 'is-enabled', 'status', 'list-units', 'list-unit-files', 'get-default', 'cat'),
  loginctl: first('list-sessions', 'show-session', 'show-user', 'list-users'),
  timedatectl: (a) => a.length === 0 || first('show', 'status', 'timesync-status', 'show-timesync')(a),
  chronyc: only('-n', '-c', 'tracking', 'sources', 'sourcestats', 'activity'),
  ntpq: only('-p', '-n', '-pn', '-np'),
  auditctl: only('-l', '-s'),
  modprobe: (a) => a.includes('--showconfig') || a.includes('-c') || a.includes('-n') || a.includes('--dry-run'),
  mokutil: only('--sb-state'),
  usbguard: first('list-rules', 'list-devices', 'get-parameter'),
  find,
  grep: any,
  zgrep: any,
  xzgrep: any,
  bzgrep: any,
  zstdgrep: any,
  gzip: (a) => (a.includes('-c') || a.some((x) => /^-[a-z]*c[a-z]*$/.test(x))) && a.some((x) => /^-[a-z]*d[a-z]*$/.test(x) || x === '--decompress'),
  'dpkg-query': any,
  rpm: (a) => a.length > 0 && /^-q/.test(a[0]!),
  apt: first('list', 'policy', 'show'),
  'apt-cache': first('policy', 'show', 'madison'),
  'apt-get': (a) => a.some((x) => x === '-s' || x === '--simulate' || x === '--dry-run' || x === '--just-print' || x === '--no-act'),
  dnf: (a) => verb('check-update', 'updateinfo', 'needs-restarting', 'list', 'info')(a) || (verb('history')(a) && a.includes('list')),
  yum: (a) => verb('check-update', 'updateinfo', 'list', 'info')(a) || (verb('history')(a) && a.includes('list')),
  zypper: verb('list-updates', 'lu', 'list-patches', 'lp', 'needs-rebooting', 'patch-check', 'info'),
  'needs-restarting': any,
  pgrep: any,
  ss: any,
  ip: (a) => {
    const v = a.find((x) => !x.startsWith('-'));
    if (v === 'netns') return false; // handled as a wrapper below
    return ['neigh', 'neighbour', 'addr', 'address', 'link', 'route'].includes(v ?? '') && !a.some((x) => ['add', 'del', 'delete', 'flush', 'set', 'change', 'replace', 'append'].includes(x));
  },
  // -T prints the effective configuration and exits; -f / -C choose the file and connection to evaluate.
  sshd: (a) => a[0] === '-T' && a.slice(1).every((x, i, rest) => (i % 2 === 0 ? x === '-f' || x === '-C' : rest[i - 1] !== undefined)),
  gsettings: first('get', 'list-recursively'),
  clamscan: only('--version'),
  clamd: only('--version'),
  freshclam: only('--version'),
  mdatp: first('health', 'version'),
  falconctl: (a) => a[0] === '-g',
  sentinelctl: (a) => (a[0] === 'control' && a[1] === 'status') || first('version')(a),
  // Only as wrappers of an allowed command (see unwrap below).
  runuser: () => false,
  env: () => false,
  // macOS
  launchctl: first('list', 'print'),
  sw_vers: any,
  fdesetup: first('status', 'isactive'),
  diskutil: (a) => first('list', 'info')(a) || (a[0] === 'apfs' && a[1] === 'list'),
  socketfilterfw: (a) => a.length > 0 && a.every((x) => /^--get[a-z]+$/.test(x)),
  profiles: (a) => first('status', 'list', 'show')(a) || (a[0] === '-C' && a[1] === '-o'),
  systemextensionsctl: first('list'),
  softwareupdate: only('--list', '-l', '--history', '--no-scan'),
  defaults: (a) => verb('read', 'read-type')(a),
  dscl: (a) => a[0] === '.' && (a[1] === '-read' || a[1] === '-list'),
  csrutil: first('status'),
  bputil: only('-d'),
  nvram: (a) => a.length > 0 && a.every((x) => !x.startsWith('-') && !x.includes('=')),
  system_profiler: any,
  sysctl: (a) => a.every((x) => x === '-n' || (!x.startsWith('-') && !x.includes('='))),
  sysadminctl: (a) => a.includes('status') && a.every((x) => x.startsWith('-') || x === 'status'),
  systemsetup: (a) => a.length > 0 && a.every((x) => /^-get[a-z]+$/i.test(x)),
  plutil: (a) => (a[0] === '-convert' && a[2] === '-o' && a[3] === '-') || first('-p', '-lint')(a),
  stat: any,
  id: any,
  lsof: any,
  netstat: any,
  arp: (a) => a.length > 0 && a.every((x) => /^-[an]+$/.test(x)),
  // Windows
  powershell,
  auditpol: first('/get'),
  dsregcmd: only('/status'),
  'manage-bde': only('-status'),
  net: (a) => a[0] === 'localgroup' && a.length === 2 && !a[1]!.startsWith('/'),
  netsh: (a) => a.includes('show') && none('set', 'add', 'delete', 'reset', 'import', 'export', 'install', 'uninstall')(a),
  systeminfo: any,
  w32tm: first('/query'),
  wmic: (a) => a.length >= 2 && a[1] === 'get' && none('call', 'delete', 'set', 'create')(a),
};

/** Normalised program name: base name, without ".exe", lower-cased. */
export function programName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.exe$/i, '').toLowerCase();
}

/** The command a wrapper runs, or null when `file` is not a wrapper we accept. */
function unwrap(name: string, args: readonly string[]): readonly string[] | null {
  if (name === 'runuser') {
    // runuser -u USER -- CMD…
    return args[0] === '-u' && args[2] === '--' && args.length > 3 ? args.slice(3) : null;
  }
  if (name === 'launchctl' && args[0] === 'asuser') {
    // launchctl asuser UID sudo -u USER CMD… (the console user's context on macOS)
    return args[2] === 'sudo' && args[3] === '-u' && args.length > 5 ? args.slice(5) : null;
  }
  if (name === 'env') {
    const i = args.findIndex((x) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(x));
    return i >= 0 ? args.slice(i) : null;
  }
  if (name === 'ip' && args[0] === 'netns' && args[1] === 'exec' && args.length > 3) return args.slice(3);
  return null;
}

/** Whether the agent may run this command. */
export function isAllowedCommand(file: string, args: readonly string[]): boolean {
  const name = programName(file);
  const wrapped = unwrap(name, args);
  if (wrapped) return isAllowedCommand(wrapped[0]!, wrapped.slice(1));
  const rule = Object.prototype.hasOwnProperty.call(ALLOWED_COMMANDS, name) ? ALLOWED_COMMANDS[name] : undefined;
  return rule ? rule(args) : false;
}
