// A small client of the ACD's REST API (/api/v1) for the replay: log in, keep the access token
// fresh, and send requests, retried while the ACD is unreachable (a restart under --chaos).
export type AcdUser = { username: string; password: string };

type Tokens = { accessToken: string; refreshToken: string; expiresIn: number };

export class AcdHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: ${status} ${body.slice(0, 300)}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AcdClient {
  private tokens: Tokens | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly baseUrl: string,
    private readonly user: AcdUser,
    /** How long to keep retrying a request while the ACD cannot be reached. */
    private readonly unreachableForMs = 60_000,
  ) {}

  get token(): string {
    if (!this.tokens) throw new Error(`${this.user.username} is not logged in`);
    return this.tokens.accessToken;
  }

  async login(): Promise<void> {
    this.tokens = await this.raw<Tokens>('POST', '/auth/login', {
      username: this.user.username,
      password: this.user.password,
    });
    this.scheduleRefresh();
  }

  /** Refreshes the access token at two thirds of its life, so that long replays keep their seats. */
  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const ms = Math.max(5_000, (this.tokens!.expiresIn * 1000 * 2) / 3);
    this.refreshTimer = setTimeout(() => {
      if (this.closed) return;
      this.raw<Tokens>('POST', '/auth/refresh', { refreshToken: this.tokens!.refreshToken })
        .then((t) => {
          this.tokens = t;
          this.scheduleRefresh();
        })
        .catch(() => void this.login().catch(() => undefined));
    }, ms);
    this.refreshTimer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  async get<T>(path: string): Promise<T> {
    return this.raw<T>('GET', path, undefined, true);
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.raw<T>('POST', path, body, true);
  }

  private async raw<T>(method: string, path: string, body: unknown, auth = false): Promise<T> {
    const started = Date.now();
    for (;;) {
      let r: Response;
      try {
        r = await fetch(`${this.baseUrl}/api/v1${path}`, {
          method,
          headers: {
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(auth ? { authorization: `Bearer ${this.token}` } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (err) {
        // Unreachable (connection refused while the ACD restarts): try again for a while.
        if (this.closed || Date.now() - started > this.unreachableForMs) throw err;
        await sleep(100);
        continue;
      }
      // 503: the ACD is up but not (yet) writing (a restart, a take-over).
      if (r.status === 503 && !this.closed && Date.now() - started < this.unreachableForMs) {
        await sleep(100);
        continue;
      }
      const text = await r.text();
      if (!r.ok) throw new AcdHttpError(r.status, text, `${method} ${path}`);
      return (text ? JSON.parse(text) : null) as T;
    }
  }
}
