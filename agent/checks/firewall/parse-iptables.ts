// `iptables -S` / `ip6tables -S` (filter table, rule-spec form): "-P INPUT DROP", "-N ufw-before-input",
// "-A INPUT -i lo -j ACCEPT". On iptables-nft hosts with an nftables-only ruleset this shows three empty
// ACCEPT chains, which says nothing about nftables: the nft probe covers that.

export interface IptablesRules {
  policies: Map<string, string>;
  rules: Map<string, string[]>;
}

/** null when no -P/-N/-A line is present (error text, blank, garbage). */
export function parseIptablesS(text: string): IptablesRules | null {
  const policies = new Map<string, string>();
  const rules = new Map<string, string[]>();
  let seen = false;
  for (const line of text.split('\n')) {
    const p = /^-P (\S+) (\S+)\s*$/.exec(line);
    if (p?.[1] && p[2]) {
      policies.set(p[1], p[2]);
      seen = true;
      continue;
    }
    const n = /^-N (\S+)\s*$/.exec(line);
    if (n?.[1]) {
      if (!rules.has(n[1])) rules.set(n[1], []);
      seen = true;
      continue;
    }
    const a = /^-A (\S+) (.*)$/.exec(line);
    if (a?.[1] && a[2] !== undefined) {
      const list = rules.get(a[1]) ?? [];
      list.push(a[2].trim());
      rules.set(a[1], list);
      seen = true;
    }
  }
  return seen ? { policies, rules } : null;
}

/** "-j ACCEPT" with nothing but a comment around it matches every packet. */
function unconditionalTarget(spec: string): { kind: 'j' | 'g'; target: string } | null {
  const s = spec.replace(/-m comment --comment ("(?:[^"\\]|\\.)*"|\S+)/g, '').trim();
  const m = /^-(j|g) (\S+)(?: --reject-with \S+)?$/.exec(s);
  return m?.[1] && m[2] ? { kind: m[1] as 'j' | 'g', target: m[2] } : null;
}

/** What INPUT does with a packet no conditional rule decided. Jumps to user chains return; goto does not. */
export function inputOutcome(r: IptablesRules): 'deny' | 'allow' {
  for (const spec of r.rules.get('INPUT') ?? []) {
    const u = unconditionalTarget(spec);
    if (!u) continue;
    if (u.target === 'ACCEPT') return 'allow';
    if (u.target === 'DROP' || u.target === 'REJECT') return 'deny';
    if (u.kind === 'g' || u.target === 'RETURN') break;
  }
  const policy = r.policies.get('INPUT') ?? 'ACCEPT';
  return policy === 'DROP' || policy === 'REJECT' ? 'deny' : 'allow';
}

export function ruleCount(r: IptablesRules): number {
  let n = 0;
  for (const list of r.rules.values()) n += list.length;
  return n;
}

/** INPUT has rules or a non-ACCEPT policy: the table filters inbound traffic at all. */
export function filtersInbound(r: IptablesRules): boolean {
  return (r.rules.get('INPUT')?.length ?? 0) > 0 || (r.policies.get('INPUT') ?? 'ACCEPT') !== 'ACCEPT';
}

/**
 * `iptables -L` listings (for iptables builds without -S). "Chain INPUT (policy DROP)" or, with -v,
 * "(policy DROP 0 packets, 0 bytes)"; user chains "(N references)"; then a header row and one row per rule:
 * [pkts bytes] target prot opt [in out] source destination [match text]. Rows become rule specs the
 * functions above understand: "-j TARGET" when the row matches every packet, anything else conditional.
 * Only the verbose form shows interfaces, so without -v only an ACCEPT-everything row is taken as
 * unconditional (a DROP row may be limited to one interface, and assuming it is not could hide an open
 * port; an ACCEPT row assumed conditional could hide an open firewall).
 */
export function parseIptablesL(text: string): IptablesRules | null {
  const policies = new Map<string, string>();
  const rules = new Map<string, string[]>();
  let chain: string | null = null;
  let verbose = false;
  for (const line of text.split('\n')) {
    const c = /^Chain (\S+) \((?:policy (\w+)[^)]*|\d+ references?)\)/.exec(line);
    if (c?.[1]) {
      chain = c[1];
      if (c[2]) policies.set(chain, c[2]);
      if (!rules.has(chain)) rules.set(chain, []);
      continue;
    }
    if (/^\s*(?:pkts\s+bytes\s+)?target\s+prot\s+opt\b/.test(line)) {
      verbose = /^\s*pkts/.test(line);
      continue;
    }
    if (!chain || !line.trim()) continue;
    let cols = line.trim().split(/\s+/);
    if (verbose) cols = cols.slice(2);
    // ip6tables leaves the opt column blank.
    if (!/^!?-[-f]$/.test(cols[2] ?? '')) cols.splice(2, 0, '--');
    const [target = '', prot, opt] = cols;
    const [inIf, outIf] = verbose ? [cols[3], cols[4]] : ['*', '*'];
    const rest = cols.slice(verbose ? 5 : 3);
    const any = (a: string | undefined) => a === '0.0.0.0/0' || a === '::/0' || a === 'anywhere';
    const everything = (prot === 'all' || prot === '0') && opt === '--' && inIf === '*' && outIf === '*' && any(rest[0]) && any(rest[1]) && rest.length === 2;
    const unconditional = everything && (verbose || target === 'ACCEPT');
    rules.get(chain)!.push(unconditional ? `-j ${target}` : `-m listed ${cols.join(' ')}`);
  }
  return rules.size ? { policies, rules } : null;
}
