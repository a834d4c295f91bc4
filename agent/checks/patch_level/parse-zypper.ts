// zypper (SUSE). Run with --no-refresh so the agent never downloads metadata; -x (--xmlout) gives XML:
//   zypper -x -n --no-refresh list-updates
//     <update kind="package" name="libopenssl1_1" edition="1.1.1d-2.54.1" arch="x86_64" edition-old="…">
//       <source url="…" alias="SLE-Module-Basesystem15-SP1-Updates"/></update>
//   zypper -x -n --no-refresh list-patches --category security
//     <update kind="patch" name="SUSE-SLE-…-2020-123" category="security" severity="important" status="needed" …>
// Without XML support the text tables have "|"-separated columns with a header row naming them.
// /var/log/zypp/history: "DATE|install|name|version|arch|user@host|repo|checksum|" lines and, since
// libzypp 16, "DATE|command|user@host|'zypper' 'up'|" lines naming the command that caused them.

export interface ZypperUpdate {
  name: string;
  version: string;
  source: string;
}

function attrs(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([a-z-]+)="([^"]*)"/g)) if (m[1] && m[2] !== undefined) out.set(m[1], m[2].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  return out;
}

/** null when the text is not zypper's XML (no <stream>) or reports an error message instead of a list. */
export function parseZypperUpdatesXml(text: string): ZypperUpdate[] | null {
  if (!/<stream>/.test(text) || !/<update-status|<update-list|<\/stream>/.test(text)) return null;
  if (/<message type="error">/.test(text) && !/<update-list/.test(text)) return null;
  const out: ZypperUpdate[] = [];
  for (const m of text.matchAll(/<update\s([^>]*)>([\s\S]*?)<\/update>|<update\s([^>]*)\/>/g)) {
    const a = attrs(m[1] ?? m[3] ?? '');
    if (a.get('kind') !== 'package') continue;
    const source = /<source\s([^>]*)\/?>/.exec(m[2] ?? '');
    const name = a.get('name');
    if (name) out.push({ name, version: a.get('edition') ?? '', source: source?.[1] ? (attrs(source[1]).get('alias') ?? '') : '' });
  }
  return out;
}

/** Security patches still needed, by name; null when not zypper XML. */
export function parseZypperPatchesXml(text: string): string[] | null {
  if (!/<stream>/.test(text) || (/<message type="error">/.test(text) && !/<update-list/.test(text))) return null;
  const out: string[] = [];
  for (const m of text.matchAll(/<update\s([^>]*?)\/?>/g)) {
    const a = attrs(m[1] ?? '');
    if (a.get('kind') !== 'patch' || a.get('category') !== 'security') continue;
    const status = a.get('status');
    if (status && status !== 'needed') continue;
    if (a.get('name')) out.push(a.get('name')!);
  }
  return out;
}

/** Text table with a header row; rows as column maps. null when no header with the named columns. */
export function parseZypperTable(text: string, required: string[]): Array<Map<string, string>> | null {
  const lines = text.split('\n');
  const head = lines.findIndex((l) => l.includes('|') && required.every((c) => l.split('|').map((x) => x.trim()).includes(c)));
  if (head < 0) {
    return /^No (updates|patches) found\.?\s*$/m.test(text) || /No updates found/.test(text) ? [] : null;
  }
  const cols = lines[head]!.split('|').map((x) => x.trim());
  const out: Array<Map<string, string>> = [];
  for (const line of lines.slice(head + 1)) {
    if (!line.includes('|') || /^[-+\s]+$/.test(line)) continue;
    const cells = line.split('|').map((x) => x.trim());
    out.push(new Map(cols.map((c, i) => [c, cells[i] ?? ''])));
  }
  return out;
}

/** Newest history command that updated packages (up, update, patch, dup, dist-upgrade) and installed at least one. */
export function lastZypperUpgrade(history: string): string | null {
  let best: string | null = null;
  let pending: string | null = null;
  for (const line of history.split('\n')) {
    const f = line.split('|');
    const date = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(f[0]?.trim() ?? '');
    if (!date) continue;
    const when = `${date[1]}T${date[2]}`;
    if (f[1] === 'command') {
      const args = (f[3] ?? '').replace(/'/g, ' ').split(/\s+/);
      pending = args.some((a) => ['up', 'update', 'patch', 'dup', 'dist-upgrade'].includes(a)) ? when : null;
    } else if (f[1] === 'install' && pending) {
      if (!best || when > best) best = when;
    }
  }
  return best;
}
