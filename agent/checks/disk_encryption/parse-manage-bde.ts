// `manage-bde -status`: the fallback when neither the BitLocker PowerShell module nor its WMI class is
// usable. Its labels and values are translated into the display language and the console code page may
// turn accents into mojibake ("VerschlÃ¼sselt"), so fields are recognised by stable stems of the label in
// English, German, French, Spanish and Portuguese, and values by stems and numbers. Percentages use a
// comma in many locales ("3,5 %"). Anything not recognised stays null; nothing is guessed.
import type { BdeConversion, BdeKind, BdeVolume } from './parse-win-bitlocker.js';

type Field = 'conversion' | 'percent' | 'method' | 'protection' | 'lock' | 'protectors' | 'autounlock' | 'other';

// Order matters: "Key Protectors" and "Automatic Unlock" contain words of other labels.
function fieldOf(label: string): Field {
  const l = label.toLowerCase();
  if (/key protector|schutzvorrichtung|protecteur|protectores|protetores|protetor/.test(l)) return 'protectors';
  if (/unlock|entsperr|automati/.test(l)) return 'autounlock';
  if (/conver|konvert/.test(l)) return 'conversion';
  if (/percent|prozent|pourcent|porcentaj|porcentag/.test(l)) return 'percent';
  if (/method|thode|todo/.test(l)) return 'method';
  if (/protec|schutz|prote/.test(l)) return 'protection';
  // (?<!bit): "BitLocker Version" is not the lock status.
  if (/(?<!bit)lock|sperr|verrouill|bloque/.test(l)) return 'lock';
  return 'other';
}

const UNKNOWN = /^(unknown|unbekannt|inconnu|desconocido|desconhecido)\b/i;

export function bdeConversionText(v: string): BdeConversion | null {
  const s = v.toLowerCase();
  if (!s.trim() || UNKNOWN.test(s.trim())) return null;
  const paused = /paused|angehalten|suspendu|pausad|en pausa|em pausa/.test(s);
  const progress = /progress|durchgef|en cours|en curso|em andamento|em curso|in corso/.test(s);
  // Decryption stems first: "entschlüsselt" / "déchiffré" / "descifrado" contain the encryption stems.
  const decrypt = /decrypt|entschl|d\S{0,3}chiffr|descifr|descriptograf|decifr/.test(s);
  const encrypt = /encrypt|verschl|chiffr|cifrad|cifrar|criptograf/.test(s);
  if (decrypt) return paused ? 'decryption-paused' : progress ? 'decrypting' : 'decrypted';
  if (encrypt) return paused ? 'encryption-paused' : progress ? 'encrypting' : 'encrypted';
  return null;
}

export function bdePercentText(v: string): number | null {
  const m = /(\d{1,3}(?:[.,]\d+)?)\s*%/.exec(v);
  if (!m) return null;
  const n = Number(m[1]!.replace(',', '.'));
  return n >= 0 && n <= 100 ? n : null;
}

export function bdeMethodText(v: string): string | null {
  const m = /(xts[- ]?)?aes[- ]?(128|256)/i.exec(v);
  if (m) return `${m[1] ? 'XTS-' : ''}AES ${m[2]}${/diffus/i.test(v) ? ' with Diffuser' : ''}`;
  if (/hardware/i.test(v)) return 'Hardware';
  return null;
}

export function bdeProtectionText(v: string): 'on' | 'off' | 'suspended' | null {
  const s = v.toLowerCase();
  if (!s.trim() || UNKNOWN.test(s.trim())) return null;
  // Suspended protection is printed as off with the reboots left until it resumes.
  if (/reboot|neustart|red\S{0,3}marrage|reinicio|reinicializa/.test(s)) return 'suspended';
  if (/\boff\b|deaktiv|sactiv|desativ|inaktiv/.test(s)) return 'off';
  if (/\bon\b|aktiv|activ|ativ/.test(s)) return 'on';
  return null;
}

export function bdeLockText(v: string): boolean | null {
  const s = v.toLowerCase();
  if (!s.trim() || UNKNOWN.test(s.trim())) return null;
  if (/unlock|entsperrt|d\S{0,3}verrouill|desbloque/.test(s)) return false;
  if (/lock|gesperrt|verrouill|bloquead/.test(s)) return true;
  return null;
}

/** One protector line ("TPM And PIN", "Mot de passe numérique", "External Key (Required for …)"). */
export function bdeProtectorText(v: string): string | null {
  const s = v.toLowerCase().trim();
  if (!s || /none found|keine gefunden|aucun|ninguno|nenhum/.test(s)) return null;
  const tpm = /\btpm\b/.test(s);
  const pin = /\bpin\b/.test(s);
  const startup = /startup|systemstart|d\S{0,3}marrage|inicio|inicializa/.test(s);
  if (tpm && pin && startup) return 'TpmPinStartupKey';
  if (tpm && pin) return 'TpmPin';
  if (tpm && startup) return 'TpmStartupKey';
  if (tpm) return 'Tpm';
  if (/numeri|num\S{0,3}rique|num\S{0,3}rico|recovery/.test(s)) return 'RecoveryPassword';
  if (/external|extern|externe|externa/.test(s)) return 'ExternalKey';
  if (/password|kennwort|mot de passe|contrase|senha/.test(s)) return 'Password';
  if (/certificat|public key|zertifikat/.test(s)) return 'PublicKey';
  if (/active directory|ad account|sid/.test(s)) return 'AdAccountOrGroup';
  return null;
}

function kindOf(line: string): BdeKind | null {
  const s = line.toLowerCase();
  if (/removable|wechsel|amovible|extra\S{0,3}ble|remov\S{0,3}vel/.test(s)) return 'removable';
  if (/\bos\b|betriebssystem|syst\S{0,3}me d|sistema operativo|sistema operacional/.test(s)) return 'os';
  if (/data|daten|donn|datos|dados/.test(s)) return 'data';
  return null;
}

// "Volume C: [Label]", 'Volume "C:" []' (German), "Volumen C: [OS]" (Spanish), "Volume \\?\Volume{…}\ [...]".
const VOLUME_HEAD = /^\s*Volum(?:e|en)\s+"?([A-Za-z]:|\\\\\?\\Volume\{[0-9a-fA-F-]+\}\\?)"?/;

function emptyVolume(mount: string | null): BdeVolume {
  return { mount, kind: null, conversion: null, percent: null, cipher: null, protection: null, locked: null, protectors: [] };
}

function hasAnyField(v: BdeVolume): boolean {
  return v.conversion !== null || v.percent !== null || v.protection !== null || v.locked !== null || v.cipher !== null || v.protectors.length > 0;
}

/**
 * Volumes from `manage-bde -status` in any language. A pasted fragment without the "Volume X:" header
 * yields one volume with mount null. Returns [] when nothing recognisable is present.
 */
export function parseManageBde(text: string): BdeVolume[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const hasHeads = lines.some((l) => VOLUME_HEAD.test(l));
  const vols: BdeVolume[] = [];
  let cur: BdeVolume | null = hasHeads ? null : emptyVolume(null);
  let inProtectors = false;
  for (const raw of lines) {
    const line = raw.replace(/\u00a0/g, ' ').replace(/\s+$/, '');
    const head = VOLUME_HEAD.exec(line);
    if (head) {
      if (cur) vols.push(cur);
      cur = emptyVolume(head[1]!.toUpperCase().startsWith('\\\\') ? head[1]! : head[1]!.toUpperCase());
      inProtectors = false;
      continue;
    }
    if (!cur) continue;
    if (!line.trim()) {
      inProtectors = false;
      continue;
    }
    if (/^\s*\[.*\]\s*$/.test(line)) {
      cur.kind ??= kindOf(line);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0 && !(inProtectors && /^\s{6,}/.test(line))) {
      const field = fieldOf(line.slice(0, colon));
      const value = line.slice(colon + 1).trim();
      inProtectors = field === 'protectors';
      switch (field) {
        case 'conversion':
          cur.conversion = bdeConversionText(value);
          break;
        case 'percent':
          cur.percent = bdePercentText(value);
          break;
        case 'method':
          cur.cipher = bdeMethodText(value);
          break;
        case 'protection':
          cur.protection = bdeProtectionText(value);
          break;
        case 'lock':
          cur.locked = bdeLockText(value);
          break;
        case 'protectors': {
          const p = bdeProtectorText(value);
          if (p && !cur.protectors.includes(p)) cur.protectors.push(p);
          break;
        }
        default:
          break;
      }
      continue;
    }
    if (inProtectors) {
      const p = bdeProtectorText(line);
      if (p && !cur.protectors.includes(p) && cur.protectors.length < 16) cur.protectors.push(p);
    }
  }
  if (cur) vols.push(cur);
  return vols.filter((v) => v.mount !== null || hasAnyField(v));
}
