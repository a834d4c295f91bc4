// nftables ruleset, from `nft -j list ruleset` (JSON, nftables >= 0.9) or `nft list ruleset` (text, the
// fallback where JSON support is not compiled in). Only what decides inbound traffic is kept: base chains
// with their hook and policy, and per rule its verdict and whether it matches unconditionally.

export type Verdict = 'accept' | 'drop' | 'reject' | 'jump' | 'goto' | 'return' | 'continue' | 'queue';

export interface NftRule {
  verdict: Verdict | null;
  /** True when the rule has no match: only counters/logging and a verdict, so it applies to every packet. */
  unconditional: boolean;
}

export interface NftChain {
  family: string;
  table: string;
  name: string;
  /** Base chains only: filter/nat/route and the netfilter hook (input, forward, ...). */
  type: string | null;
  hook: string | null;
  policy: string | null;
  rules: NftRule[];
}

export interface NftRuleset {
  tables: number;
  chains: NftChain[];
}

const VERDICTS = new Set<string>(['accept', 'drop', 'reject', 'jump', 'goto', 'return', 'continue', 'queue']);
/** Statements that neither match nor decide. */
const NEUTRAL = new Set(['counter', 'log']);

/** null when the text is not nft JSON ("nftables" array missing). */
export function parseNftJson(text: string): NftRuleset | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const items = (doc as { nftables?: unknown } | null)?.nftables;
  if (!Array.isArray(items)) return null;
  const rs: NftRuleset = { tables: 0, chains: [] };
  const key = (f: unknown, t: unknown, n: unknown) => `${String(f)}\0${String(t)}\0${String(n)}`;
  const byKey = new Map<string, NftChain>();
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const it = item as Record<string, Record<string, unknown> | undefined>;
    if (it.table) rs.tables++;
    const c = it.chain;
    if (c && typeof c.name === 'string') {
      const chain: NftChain = {
        family: String(c.family ?? ''),
        table: String(c.table ?? ''),
        name: c.name,
        type: typeof c.type === 'string' ? c.type : null,
        hook: typeof c.hook === 'string' ? c.hook : null,
        policy: typeof c.policy === 'string' ? c.policy : null,
        rules: [],
      };
      rs.chains.push(chain);
      byKey.set(key(chain.family, chain.table, chain.name), chain);
    }
    const r = it.rule;
    if (r) {
      const chain = byKey.get(key(r.family, r.table, r.chain));
      const expr = Array.isArray(r.expr) ? (r.expr as unknown[]) : [];
      const keys = expr.map((e) => (typeof e === 'object' && e !== null ? (Object.keys(e)[0] ?? '?') : '?'));
      const verdict = (keys.find((k) => VERDICTS.has(k)) as Verdict | undefined) ?? null;
      chain?.rules.push({ verdict, unconditional: verdict !== null && keys.every((k) => k === verdict || NEUTRAL.has(k)) });
    }
  }
  return rs;
}

/** The verdict of one text rule line, and whether nothing but counters/logging precede it. */
export function classifyTextRule(line: string): NftRule {
  const s = line.trim().replace(/\s+comment\s+"(?:[^"\\]|\\.)*"\s*$/, '');
  const words = s.split(/\s+/);
  const verdict = (words.includes('reject') ? 'reject' : ([...words].reverse().find((w) => VERDICTS.has(w)) ?? null)) as Verdict | null;
  const core = s
    .replace(/\bcounter(\s+packets\s+\d+\s+bytes\s+\d+)?/g, '')
    .replace(/\blog(\s+(prefix\s+"(?:[^"\\]|\\.)*"|level\s+\S+|flags\s+\S+|group\s+\d+))*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const unconditional = verdict !== null && (core === verdict || /^reject( with .*)?$/.test(core) || /^(jump|goto) \S+$/.test(core));
  return { verdict, unconditional };
}

/** null when no "table" block is found. */
export function parseNftText(text: string): NftRuleset | null {
  const rs: NftRuleset = { tables: 0, chains: [] };
  let depth = 0;
  let family = '';
  let table = '';
  let chain: NftChain | null = null;
  let skipUntil = -1; // inside a set/map/flowtable block
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const opens = (line.match(/\{/g) ?? []).length;
    const closes = (line.match(/\}/g) ?? []).length;
    const before = depth;
    depth += opens - closes;
    if (skipUntil >= 0) {
      if (depth <= skipUntil) skipUntil = -1;
      continue;
    }
    const t = /^table\s+(\S+)\s+(\S+)\s*\{/.exec(line);
    if (before === 0 && t?.[1] && t[2]) {
      family = t[1];
      table = t[2];
      rs.tables++;
      continue;
    }
    const c = /^chain\s+(\S+)\s*\{/.exec(line);
    if (before === 1 && c?.[1]) {
      chain = { family, table, name: c[1], type: null, hook: null, policy: null, rules: [] };
      rs.chains.push(chain);
      continue;
    }
    if (before === 1 && opens > closes) {
      skipUntil = before; // set, map, flowtable, ct helper ...
      continue;
    }
    if (before === 2 && chain) {
      const base = /^type\s+(\S+)\s+hook\s+(\S+)(?:\s+device\s+\S+)?\s+priority\s+[^;]+;(?:\s*policy\s+(\w+)\s*;)?/.exec(line);
      if (base?.[1] && base[2]) {
        chain.type = base[1];
        chain.hook = base[2];
        chain.policy = base[3] ?? null;
      } else if (!line.startsWith('}') && !/^(policy|comment|devices)\b/.test(line)) {
        chain.rules.push(classifyTextRule(line));
      } else if (/^policy\s+(\w+)/.test(line)) {
        chain.policy = /^policy\s+(\w+)/.exec(line)?.[1] ?? null;
      }
    }
    if (depth <= 1) chain = null;
  }
  return rs.tables ? rs : null;
}

export interface InboundDecision {
  /** At least one filter chain hooked to input for IPv4 or IPv6. */
  filtersInbound: boolean;
  inbound: 'deny' | 'allow';
  detail: string;
}

/**
 * What one input base chain does with a packet no earlier rule decided: the first unconditional
 * accept/drop/reject wins, an unconditional goto hands over for good (so the policy applies), a jump
 * returns, and otherwise the chain policy applies.
 */
export function chainOutcome(c: NftChain): 'deny' | 'allow' {
  for (const r of c.rules) {
    if (!r.unconditional) continue;
    if (r.verdict === 'accept') return 'allow';
    if (r.verdict === 'drop' || r.verdict === 'reject') return 'deny';
    if (r.verdict === 'goto' || r.verdict === 'return') break;
  }
  return c.policy === 'drop' ? 'deny' : 'allow';
}

/**
 * A packet must get through every input base chain (accept only ends one chain; drop is final), so one
 * denying chain per address family is enough. `ip` tables see only IPv4 and `ip6` only IPv6; `inet` both.
 * With IPv6 enabled, inbound counts as denied only when both families are.
 */
export function decideInbound(rs: NftRuleset, ipv6Enabled: boolean): InboundDecision {
  const input = rs.chains.filter((c) => c.hook === 'input' && c.type === 'filter' && ['ip', 'ip6', 'inet'].includes(c.family));
  const denies = (fam: string) => input.some((c) => (c.family === fam || c.family === 'inet') && chainOutcome(c) === 'deny');
  const v4 = denies('ip');
  const v6 = denies('ip6');
  const names = input.map((c) => `${c.family} ${c.table} ${c.name} (policy ${c.policy ?? 'accept'})`).join(', ');
  if (!input.length) return { filtersInbound: false, inbound: 'allow', detail: `${rs.tables} table(s), none filters the input hook` };
  if (v4 && (v6 || !ipv6Enabled)) return { filtersInbound: true, inbound: 'deny', detail: `input chains: ${names}` };
  const gap = !v4 ? 'IPv4' : 'IPv6';
  return { filtersInbound: true, inbound: 'allow', detail: `${gap} inbound is accepted by default; input chains: ${names}` };
}
