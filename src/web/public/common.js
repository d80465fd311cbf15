// Shared by the pages: log in, keep the tokens for this tab, call the API, read problem+json errors.
const KEY = 'sas-acd-session';

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

export function forget() {
  sessionStorage.removeItem(KEY);
}

export async function login(username, password) {
  const r = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(body.detail ?? body.title ?? `erreur ${r.status}`);
  sessionStorage.setItem(KEY, JSON.stringify(body));
  return body;
}

async function refresh() {
  const s = session();
  if (!s) throw new Error('session expirée : reconnectez-vous');
  const r = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: s.refreshToken }),
  });
  const body = await r.json();
  if (!r.ok) {
    forget();
    throw new Error('session expirée : reconnectez-vous');
  }
  sessionStorage.setItem(KEY, JSON.stringify(body));
  return body;
}

/** Calls the API; refreshes the token once on 401 token-expired; throws the problem's detail. */
export async function api(method, path, body) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const s = session();
    const r = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(s ? { authorization: `Bearer ${s.accessToken}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (r.status === 401 && data?.reason === 'token-expired' && attempt === 0) {
      await refresh();
      continue;
    }
    if (!r.ok) throw new Error(data?.detail ?? data?.title ?? `erreur ${r.status}`);
    return data;
  }
  throw new Error('session expirée : reconnectez-vous');
}

export async function webConfig() {
  return (await fetch('/web-config.json')).json();
}

/** Renders a login form into `root`; resolves with the session once logged in. */
export function loginForm(root, title) {
  return new Promise((resolve) => {
    root.innerHTML = `
      <form class="login" autocomplete="on">
        <h1>${title}</h1>
        <label>Identifiant <input name="username" autocomplete="username" required autofocus></label>
        <label>Mot de passe <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Se connecter</button>
        <p class="error" role="alert"></p>
      </form>`;
    const form = root.querySelector('form');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      try {
        resolve(await login(String(data.get('username')), String(data.get('password'))));
      } catch (err) {
        form.querySelector('.error').textContent = err.message;
      }
    });
  });
}

export function seconds(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

export function escapeHtml(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const STATUS_FR = {
  'logged-out': 'Déconnecté',
  available: 'Disponible',
  offered: 'Sonnerie',
  'on-call': 'En appel',
  'wrap-up': 'Post-appel',
  paused: 'Pause',
};
