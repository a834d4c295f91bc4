// The operator's policy file (policy.yaml in the data directory): thresholds per device role.
//
//   label: hospital-2026-01          # names this revision; the version is label@sha256:<file bytes>
//   roles:
//     workstation:                   # required: devices whose role has no entry are evaluated with it
//       checks:
//         patch_level: { enabled: true, params: { maxDaysSinceUpgrade: 30 } }
//     imaging:                       # operator-defined role
//       extends: workstation         # start from another role, then override
//       checks:
//         usb_storage: { enabled: false }
//
// A check a role does not mention is enabled with the check's default parameters (or the parent role's);
// params may name only some parameters. The schema is built from each check's paramsSchema, so unknown
// checks and parameters are errors, and every error names its line, column and field.
import { createHash } from 'node:crypto';
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { LineCounter, isMap, parseDocument, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { CHECKS } from '../../protocol/checks/index.js';
import { VigilError } from '../../protocol/errors.js';
import type { CheckPolicy, Policy } from '../../protocol/policy.js';

export const MAX_POLICY_BYTES = 1024 * 1024;
const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const LABEL = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

function checkEntrySchema(paramsSchema: TSchema) {
  return Type.Object(
    {
      enabled: Type.Optional(Type.Boolean()),
      params: Type.Optional(Type.Partial(paramsSchema)),
    },
    { additionalProperties: false },
  );
}

const ChecksSchema = Type.Object(Object.fromEntries(CHECKS.map((c) => [c.id, Type.Optional(checkEntrySchema(c.paramsSchema))])), { additionalProperties: false });

const RoleSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 500 })),
    extends: Type.Optional(Type.String({ pattern: ROLE_NAME.source })),
    checks: Type.Optional(ChecksSchema),
  },
  { additionalProperties: false },
);

export const PolicyFileSchema = Type.Object(
  {
    label: Type.String({ pattern: LABEL }),
    roles: Type.Record(Type.String(), RoleSchema),
  },
  { additionalProperties: false },
);

const compiled = TypeCompiler.Compile(PolicyFileSchema);

interface RoleDoc {
  description?: string;
  extends?: string;
  checks?: Record<string, { enabled?: boolean; params?: Record<string, unknown> }>;
}
interface PolicyDoc {
  label: string;
  roles: Record<string, RoleDoc>;
}

export interface LoadedPolicy {
  policy: Policy;
  label: string;
  sha256: string;
  /** label@sha256:<hex of the file bytes>: stamped on every evaluation. */
  version: string;
  source: string;
  roleDescriptions: Record<string, string>;
}

export interface PolicyProblem {
  line: number;
  column: number;
  path: string;
  message: string;
}

export function formatProblem(file: string, p: PolicyProblem): string {
  return `${file}:${p.line}:${p.column}: ${p.path || '(document)'}: ${p.message}`;
}

function policyError(file: string, problems: PolicyProblem[]): VigilError {
  const lines = problems.map((p) => formatProblem(file, p));
  return new VigilError('E_POLICY', `${file} is invalid: ${lines.join('; ')}`, lines);
}

function dotted(segments: readonly (string | number)[]): string {
  return segments.map((s) => String(s)).join('.');
}

/** Position of the node at a path, or of its nearest existing ancestor; keyOnly points at the key itself. */
function locate(doc: Document, lc: LineCounter, segments: readonly string[], keyOnly: boolean): { line: number; col: number } {
  for (let n = segments.length; n >= 0; n--) {
    const parentPath = segments.slice(0, Math.max(n - 1, 0));
    if (keyOnly && n === segments.length && n > 0) {
      const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
      if (isMap(parent)) {
        const pair = (parent.items as Pair<YamlNode, unknown>[]).find((p) => (p.key as { value?: unknown } | null)?.value === segments[n - 1]);
        const range = pair?.key?.range;
        if (range) return lc.linePos(range[0]);
      }
      continue;
    }
    const node = (n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true)) as YamlNode | null | undefined;
    const range = node?.range;
    if (range) return lc.linePos(range[0]);
  }
  return { line: 1, col: 1 };
}

function explain(type: 'unknown-property' | 'other', segments: readonly string[], message: string): string {
  if (type === 'unknown-property') {
    const key = segments[segments.length - 1];
    if (segments.length === 4 && segments[0] === 'roles' && segments[2] === 'checks') {
      return `unknown check "${key}" (known: ${CHECKS.map((c) => c.id).join(', ')})`;
    }
    if (segments.length === 6 && segments[4] === 'params') {
      const def = CHECKS.find((c) => c.id === segments[3]);
      const known = def ? Object.keys((def.paramsSchema as { properties?: object }).properties ?? {}) : [];
      return `unknown parameter "${key}" of check ${segments[3]} (known: ${known.join(', ')})`;
    }
    return `unknown field "${key}"`;
  }
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Parse and validate policy text. Throws E_POLICY naming every problem's line, column and field. */
export function parsePolicy(text: string, file = 'policy.yaml'): LoadedPolicy {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) throw policyError(file, [{ line: 1, column: 1, path: '', message: `file is larger than ${MAX_POLICY_BYTES} bytes` }]);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw policyError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return { line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') };
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    // An alias to an undefined anchor, or one expanded too often (an alias bomb), fails here, not while parsing.
    throw policyError(file, [{ line: 1, column: 1, path: '', message: (err as Error).message.split('\n')[0]! }]);
  }
  const problems: PolicyProblem[] = [];
  for (const e of compiled.Errors(raw)) {
    const segments = e.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const unknownProperty = /unexpected property/i.test(e.message);
    const pos = locate(doc, lc, segments, unknownProperty);
    problems.push({ line: pos.line, column: pos.col, path: dotted(segments), message: explain(unknownProperty ? 'unknown-property' : 'other', segments, e.message) });
    if (problems.length >= 50) break;
  }
  if (problems.length) throw policyError(file, dedupe(problems));

  const data = raw as PolicyDoc;
  const at = (segments: string[]) => {
    const pos = locate(doc, lc, segments, true);
    return { line: pos.line, column: pos.col, path: dotted(segments) };
  };
  for (const role of Object.keys(data.roles)) {
    if (!ROLE_NAME.test(role)) problems.push({ ...at(['roles', role]), message: `role name "${role}" must be lower-case letters, digits, - or _ (at most 64)` });
  }
  if (!data.roles.workstation) problems.push({ ...at(['roles']), message: 'role "workstation" is required: devices whose role has no entry are evaluated with it' });
  for (const [role, r] of Object.entries(data.roles)) {
    if (r.extends !== undefined && !data.roles[r.extends]) problems.push({ ...at(['roles', role, 'extends']), message: `extends unknown role "${r.extends}"` });
  }
  if (problems.length) throw policyError(file, problems);

  const resolved: Record<string, Record<string, CheckPolicy>> = {};
  const resolving = new Set<string>();
  const resolve = (role: string): Record<string, CheckPolicy> => {
    const done = resolved[role];
    if (done) return done;
    if (resolving.has(role)) {
      throw policyError(file, [{ ...at(['roles', role, 'extends']), message: `role "${role}" extends itself through ${[...resolving].join(' → ')}` }]);
    }
    resolving.add(role);
    const r = data.roles[role]!;
    const base = r.extends ? resolve(r.extends) : Object.fromEntries(CHECKS.map((c) => [c.id, { enabled: true, params: c.defaultParams }]));
    const out: Record<string, CheckPolicy> = {};
    for (const c of CHECKS) {
      const from = base[c.id]!;
      const own = r.checks?.[c.id];
      out[c.id] = { enabled: own?.enabled ?? from.enabled, params: { ...(from.params as object), ...(own?.params ?? {}) } };
    }
    resolving.delete(role);
    resolved[role] = out;
    return out;
  };
  for (const role of Object.keys(data.roles)) resolve(role);

  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  const version = `${data.label}@sha256:${sha256}`;
  return {
    policy: { version, roles: resolved },
    label: data.label,
    sha256,
    version,
    source: text,
    roleDescriptions: Object.fromEntries(Object.entries(data.roles).filter(([, r]) => r.description).map(([k, r]) => [k, r.description!])),
  };
}

function dedupe(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.column}:${p.path}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
