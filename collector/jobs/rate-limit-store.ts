// A store for @fastify/rate-limit that counts in the database: collectors sharing a database share the
// counts, so a login or enrolment limit holds for the whole service rather than per process. One upsert
// per request: a fixed window per key, started by the first request after the previous one ran out.
import type { Db } from '../db/types.js';

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

export function databaseRateLimitStore(db: Db, namespace: string, now: () => number = Date.now) {
  return class DatabaseRateLimitStore {
    constructor(
      _params?: unknown,
      private readonly prefix = `${namespace}:`,
    ) {}

    // The plugin passes the window of the route as third argument (its typings leave it out).
    incr(key: string, cb: Callback, timeWindow = 60_000): void {
      const t = now();
      const at = new Date(t).toISOString();
      const reset = new Date(t + timeWindow).toISOString();
      db.get<{ count: number; reset_at: string }>(
        `INSERT INTO rate_limits (key, count, reset_at) VALUES (?, 1, ?)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_limits.reset_at <= ? THEN 1 ELSE rate_limits.count + 1 END,
           reset_at = CASE WHEN rate_limits.reset_at <= ? THEN excluded.reset_at ELSE rate_limits.reset_at END
         RETURNING count, reset_at`,
        [this.prefix + key, reset, at, at],
      )
        .then((row) => {
          // Now and then, drop the windows that ran out (keys are per client address).
          if (Math.random() < 0.01) void db.run('DELETE FROM rate_limits WHERE reset_at <= ?', [at]).catch(() => undefined);
          cb(null, { current: row!.count, ttl: Math.max(0, Date.parse(row!.reset_at) - t) });
        })
        .catch((err: Error) => cb(err));
    }

    // Per-route limits get their own keys (the plugin passes the merged options with routeInfo).
    child(routeOptions: object) {
      const r = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new DatabaseRateLimitStore(undefined, `${this.prefix}${r?.method ?? ''}${r?.url ?? ''}:`);
    }
  };
}
