// `w32tm /query /status /verbose`. Every label is translated ("Leap Indicator", "Sprungindikator",
// "Indicateur de dérive", "Leap 指示符"), and the console code page mangles accents, so fields are taken
// by position (the order is fixed) and each is checked against the shape of its value: leap indicator
// "0(no warning)", stratum "4 (…)", ReferenceId "0x14653909 (…)", phase offset "-0.0038147s". Long lines
// wrap in some languages; a wrapped remainder has no colon and is dropped. Pure; never throws.
//
// Not synchronised: leap indicator 3, stratum 0, reference id 0 or "LOCL" (0x4C4F434C, the local clock),
// or the source "Local CMOS Clock" / "Free-running System Clock" (and their translations).

export interface W32tmStatus {
  leap: number | null;
  stratum: number | null;
  refId: number | null;
  source: string | null;
  /** Seconds; only in /verbose output. */
  phaseOffset: number | null;
  lastSyncError: number | null;
  /** w32tm answered with an error instead of status (e.g. 0x80070426 "The service has not been started"). */
  error: string | null;
}

const LOCAL_REFID = 0x4c4f434c;
const LOCAL_SOURCE = /cmos|free.?running|frei ?laufend|fonctionnement libre|reloj del sistema|rel[oó]gio do sistema/i;

function field(values: string[], i: number, re: RegExp): RegExpExecArray | null {
  const v = values[i];
  return v === undefined ? null : re.exec(v);
}

export function parseW32tmStatus(text: string): W32tmStatus | null {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /[:：]/.test(l));
  if (!lines.length) return null;
  const err = lines.find((l) => /0x8007[0-9a-f]{4}|error occurred|fehler ist aufgetreten|erreur s.est produite/i.test(l) && !/^\S+.*:\s*\d+\s*\(/.test(l));
  const values = lines.map((l) => l.replace(/^[^:：]*[:：]\s*/, '').trim());
  const leap = field(values, 0, /^(\d)\s*\(/);
  if (!leap) return err ? { leap: null, stratum: null, refId: null, source: null, phaseOffset: null, lastSyncError: null, error: err.slice(0, 300) } : null;
  const stratum = field(values, 1, /^(\d+)\b/);
  const ref = field(values, 5, /^0x([0-9a-f]{1,8})\b/i);
  const source = values[7]?.trim() || null;
  const phase = field(values, 9, /^(-?\d+(?:[.,]\d+)?)s$/);
  const lastErr = field(values, 14, /^(\d+)\b/);
  return {
    leap: Number(leap[1]),
    stratum: stratum ? Number(stratum[1]) : null,
    refId: ref ? parseInt(ref[1]!, 16) : null,
    source: source && !/^\d+\s*\(/.test(source) ? source.slice(0, 256) : null,
    phaseOffset: phase ? Number(phase[1]!.replace(',', '.')) : null,
    lastSyncError: lastErr ? Number(lastErr[1]) : null,
    error: null,
  };
}

/** The source without w32tm's ",0x9" flags. */
export function sourceName(s: string): string {
  return s.replace(/,0x[0-9a-f]+$/i, '').trim();
}

export function isSynchronized(s: W32tmStatus): boolean | null {
  if (s.leap === null) return null;
  if (s.leap === 3 || s.stratum === 0 || s.refId === 0 || s.refId === LOCAL_REFID) return false;
  if (s.source && LOCAL_SOURCE.test(s.source)) return false;
  if (s.stratum !== null && s.stratum > 0 && s.stratum < 16 && s.source) return true;
  return null;
}
