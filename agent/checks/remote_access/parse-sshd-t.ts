// `sshd -T` (root) prints the effective configuration, one lower-case "keyword value" per line.
// Passwords can come in through PasswordAuthentication or through keyboard-interactive via PAM
// (KbdInteractiveAuthentication, ChallengeResponseAuthentication before OpenSSH 8.7, with UsePAM yes),
// which is how macOS's PAM stack asks for the account password.
import { textLines } from '../darwin-common.js';

export interface SshdEffective {
  permitRootLogin: string;
  passwordAuthentication: boolean;
}

/** null unless both permitrootlogin and passwordauthentication are present. */
export function parseSshdT(text: string): SshdEffective | null {
  const kv = new Map<string, string>();
  for (const l of textLines(text)) {
    const m = /^([a-z0-9]+)\s+(.+?)\s*$/.exec(l.trim());
    if (m && !kv.has(m[1]!)) kv.set(m[1]!, m[2]!.toLowerCase());
  }
  const root = kv.get('permitrootlogin');
  const pw = kv.get('passwordauthentication');
  if (!root || !pw || !/^(yes|no)$/.test(pw)) return null;
  const kbd = kv.get('kbdinteractiveauthentication') ?? kv.get('challengeresponseauthentication');
  const viaPam = kbd === 'yes' && kv.get('usepam') === 'yes';
  return { permitRootLogin: root === 'without-password' ? 'prohibit-password' : root, passwordAuthentication: pw === 'yes' || viaPam };
}
