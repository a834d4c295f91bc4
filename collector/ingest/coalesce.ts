// Many small database calls made at once (a reconnect storm: thousands of hellos in a few seconds) go out
// as one statement per batch. The first call starts a batch at once; calls made while it runs wait and go
// together in the next, so a quiet collector adds no delay and a busy one pays one round trip (and, for
// writes, one commit) per batch instead of per call.

interface Waiting<A, V> {
  arg: A;
  callers: { resolve(v: V | undefined): void; reject(err: unknown): void }[];
}

export class Coalescer<K, A, V> {
  private waiting = new Map<K, Waiting<A, V>>();
  private running = false;

  constructor(
    /** Runs one batch: distinct keys, each with the argument of its latest call; returns a value per key. */
    private readonly run: (batch: Map<K, A>) => Promise<Map<K, V> | void>,
    private readonly maxBatch = 500,
  ) {}

  call(key: K, arg: A): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const w = this.waiting.get(key);
      if (w) {
        w.arg = arg;
        w.callers.push({ resolve, reject });
      } else this.waiting.set(key, { arg, callers: [{ resolve, reject }] });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.size) {
        const batch = new Map<K, Waiting<A, V>>();
        for (const [k, w] of this.waiting) {
          if (batch.size >= this.maxBatch) break;
          batch.set(k, w);
        }
        for (const k of batch.keys()) this.waiting.delete(k);
        try {
          const out = await this.run(new Map([...batch].map(([k, w]) => [k, w.arg])));
          for (const [k, w] of batch) for (const c of w.callers) c.resolve(out ? out.get(k) : undefined);
        } catch (err) {
          for (const w of batch.values()) for (const c of w.callers) c.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
