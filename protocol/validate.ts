// Parse untrusted input once, at the edge. A compiled TypeBox schema checks the value and every bad
// field is reported, not just the first.
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { VigilError, type ErrorCode } from './errors.js';

export interface Parser<T> {
  (raw: unknown): T;
  readonly schema: TSchema;
}

export function problemsOf<T extends TSchema>(check: TypeCheck<T>, raw: unknown, limit = 20): string[] {
  const out: string[] = [];
  for (const e of check.Errors(raw)) {
    out.push(`${e.path || '/'}: ${e.message}`);
    if (out.length >= limit) break;
  }
  return out;
}

/** Compiles on first use: a process pays only for the schemas it actually parses. */
export function lazyCompile<T extends TSchema>(schema: T): () => TypeCheck<T> {
  let compiled: TypeCheck<T> | undefined;
  return () => (compiled ??= TypeCompiler.Compile(schema));
}

export function makeParser<T extends TSchema>(schema: T, code: ErrorCode, what: string): Parser<Static<T>> {
  const compiled = lazyCompile(schema);
  const parse = (raw: unknown): Static<T> => {
    const check = compiled();
    if (check.Check(raw)) return raw;
    const problems = problemsOf(check, raw);
    throw new VigilError(code, `${what} is invalid: ${problems.join('; ')}`, problems);
  };
  return Object.assign(parse, { schema });
}
