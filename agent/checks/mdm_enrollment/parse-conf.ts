// Small config formats management agents use.

/** INI-style "key = value" (Landscape's /etc/landscape/client.conf), keys as "section.key". */
export function parseIni(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[([^\]]+)\]$/.exec(line);
    if (s?.[1]) {
      section = s[1].trim();
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (kv?.[1] && kv[2] !== undefined) out.set(section ? `${section}.${kv[1]}` : kv[1], kv[2].trim());
  }
  return out;
}

/** osquery flagfile: one "--flag=value" (or "--flag value", or a bare "--flag") per line; '#' comments. */
export function parseFlagfile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^--([A-Za-z0-9_]+)(?:[= ](.*))?$/.exec(raw.trim());
    if (m?.[1]) out.set(m[1], (m[2] ?? 'true').trim().replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

/** Shell-style environment file (KEY=value, optional quotes), as in /etc/default/orbit. */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw.trim());
    if (m?.[1] && m[2] !== undefined) out.set(m[1], m[2].trim().replace(/^(["'])(.*)\1$/, '$2'));
  }
  return out;
}
