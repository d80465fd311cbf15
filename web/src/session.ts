// The session of this tab: tokens kept in sessionStorage, refreshed before they expire (refresh
// tokens are single use, so one refresh at a time), and the API called with French errors. A
// session that can no longer be refreshed ends with a message, and the page shows the login.
import { problemText } from './i18n.js';
import type { Tokens } from './types.js';

const KEY = 'sas-acd-session';

type Stored = Tokens & { expiresAt: number };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
    /** The problem's `errors` (every bad field or line), when it has them. */
    readonly errors: { field: string; message: string }[] = [],
    /** `outcome-unknown`: the command to ask about (GET /sites/{s}/commands/{id}). */
    readonly commandId?: string,
  ) {
    super(message);
  }
}

type Listener = () => void;
const listeners = new Set<Listener>();
let current: Stored | null = read();
let refreshing: Promise<void> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
/** Why the last session ended (shown above the login form). */
export let endedBecause: string | null = null;

function read(): Stored | null {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;
  } catch {
    return null;
  }
}

function store(t: Tokens | null) {
  current = t ? { ...t, expiresAt: Date.now() + t.expiresIn * 1000 } : null;
  if (current) sessionStorage.setItem(KEY, JSON.stringify(current));
  else sessionStorage.removeItem(KEY);
  schedule();
  for (const l of listeners) l();
}

/** Refresh at 60 % of the access token's life: time to retry if the server blinks. */
function schedule() {
  clearTimeout(timer);
  if (!current) return;
  const life = current.expiresIn * 1000;
  const at = current.expiresAt - life * 0.4;
  timer = setTimeout(() => void refresh().catch(() => undefined), Math.max(1000, at - Date.now()));
}

export const session = () => current;
export const accessToken = () => current?.accessToken ?? null;
export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function endSession(reason: string | null) {
  endedBecause = reason;
  const refreshToken = current?.refreshToken;
  store(null);
  if (refreshToken)
    void fetch('/api/v1/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    }).catch(() => undefined);
}

async function post(path: string, body: unknown): Promise<Response> {
  try {
    return await fetch(`/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(problemText(undefined, 0), 0);
  }
}

async function problemOf(r: Response): Promise<ApiError> {
  let reason: string | undefined;
  let errors: { field: string; message: string }[] = [];
  let commandId: string | undefined;
  try {
    const body = (await r.json()) as {
      reason?: string;
      errors?: { field: string; message: string }[];
      commandId?: unknown;
    };
    reason = body.reason;
    errors = Array.isArray(body.errors) ? body.errors : [];
    if (typeof body.commandId === 'string') commandId = body.commandId;
  } catch {
    // not JSON
  }
  return new ApiError(problemText(reason, r.status), r.status, reason, errors, commandId);
}

export async function login(username: string, password: string): Promise<Tokens> {
  const r = await post('/auth/login', { username, password });
  if (!r.ok) throw await problemOf(r);
  const t = (await r.json()) as Tokens;
  endedBecause = null;
  store(t);
  return t;
}

/**
 * Exchanges the refresh token for new tokens. A refused refresh ends the session; a network
 * failure keeps it (the server may be restarting) and retries in 2 s.
 */
export function refresh(): Promise<void> {
  if (refreshing) return refreshing;
  const s = current;
  if (!s) return Promise.reject(new ApiError(problemText('token-missing', 401), 401, 'token-missing'));
  refreshing = (async () => {
    try {
      const r = await post('/auth/refresh', { refreshToken: s.refreshToken });
      if (r.ok) return store((await r.json()) as Tokens);
      const err = await problemOf(r);
      if (r.status === 401 || r.status === 400) endSession(err.message);
      throw err;
    } catch (err) {
      if (err instanceof ApiError && err.status === 0) {
        clearTimeout(timer);
        timer = setTimeout(() => void refresh().catch(() => undefined), 2000);
      }
      throw err;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Calls the API as this session; refreshes once on an expired token; throws an ApiError in French. */
/** A file the API serves as text (a CSV export), with the same session handling as `api`. */
export const apiText = (path: string): Promise<string> => api<string>('GET', path, undefined, 'text');
/** A binary file the API serves (a recording's audio), with the same session handling as `api`. */
export const apiBlob = (path: string): Promise<Blob> => api<Blob>('GET', path, undefined, 'blob');

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  as: 'json' | 'text' | 'blob' = 'json',
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let r: Response;
    try {
      r = await fetch(`/api/v1${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(current ? { authorization: `Bearer ${current.accessToken}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError(problemText(undefined, 0), 0);
    }
    if (r.ok) {
      if (as === 'blob') return (await r.blob()) as T;
      const text = await r.text();
      if (as === 'text') return text as T;
      return (text ? JSON.parse(text) : null) as T;
    }
    const err = await problemOf(r);
    if (r.status === 401 && err.reason === 'token-expired' && attempt === 0) {
      await refresh();
      continue;
    }
    if (r.status === 401) endSession(err.message);
    throw err;
  }
}

schedule();
