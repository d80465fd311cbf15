// Pieces every screen uses: the login form, the connection banner, key caps, a confirmation
// dialog (native <dialog>, focus trapped by the browser), and a ticking clock for waits.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { setTimeZone } from './i18n.js';
import type { LiveState } from './live.js';
import { ApiError, endSession, endedBecause, login, onSessionChange, session } from './session.js';
import type { WebConfig } from './types.js';

export async function loadWebConfig(): Promise<WebConfig> {
  // A process serving several sites: the page's `?site=` says which one.
  const site = new URLSearchParams(location.search).get('site');
  const r = await fetch(site ? `/web-config.json?site=${encodeURIComponent(site)}` : '/web-config.json');
  if (!r.ok) throw new Error(`web-config ${r.status}`);
  const config = (await r.json()) as WebConfig;
  setTimeZone(config.site?.timeZone);
  return config;
}

/** The current time on the server's clock, re-rendered every second (waits and talk times). */
export function useNow(skewMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now + skewMs;
}

export function Kbd({ k }: { k: string }) {
  return (
    <kbd class="key" aria-hidden="true">
      {k}
    </kbd>
  );
}

export function LoginForm({ title, onDone }: { title: string; onDone: () => void }) {
  const [error, setError] = useState<string | null>(endedBecause);
  const [busy, setBusy] = useState(false);
  const user = useRef<HTMLInputElement>(null);
  useEffect(() => user.current?.focus(), []);
  return (
    <form
      class="login"
      onSubmit={async (e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        setBusy(true);
        try {
          await login(String(data.get('username')), String(data.get('password')));
          onDone();
        } catch (err) {
          setError(err instanceof ApiError ? err.message : 'Connexion impossible.');
        } finally {
          setBusy(false);
        }
      }}
    >
      <h1>{title}</h1>
      <label>
        Identifiant
        <input ref={user} name="username" autocomplete="username" required />
      </label>
      <label>
        Mot de passe
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        Se connecter <Kbd k="Entrée" />
      </button>
      <p class="error" role="alert" data-testid="login-error">
        {error ?? ''}
      </p>
    </form>
  );
}

const BANNER: Record<LiveState, { text: string; cls: string } | null> = {
  live: null,
  connecting: { text: 'Connexion au serveur…', cls: 'banner-info' },
  lost: { text: '', cls: 'banner-lost' },
};

/** Shown whenever the feed is not live; `lostText` says what the person is missing. */
export function ConnectionBanner({ state, lostText }: { state: LiveState; lostText: string }) {
  const b = BANNER[state];
  if (!b) return null;
  return (
    <div class={`banner ${b.cls}`} role="alert" data-testid="connection" data-state={state}>
      <span aria-hidden="true">{state === 'lost' ? '⚠ ' : '… '}</span>
      {state === 'lost' ? lostText : b.text}
      {state === 'lost' && <span class="banner-sub"> Reconnexion automatique en cours.</span>}
      <button type="button" class="link" onClick={() => endSession(null)}>
        Revenir à la connexion
      </button>
    </div>
  );
}

/** A modal confirmation; Entrée confirms, Échap cancels (native <dialog> behaviour). */
export function Confirm(props: {
  title: string;
  children?: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const ok = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  // A dangerous choice is never the default: Entrée then cancels.
  useEffect(() => {
    const before = document.activeElement;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    (props.danger ? cancel : ok).current?.focus();
    // Closed by unmounting, not close(): the browser would not give the focus back by itself.
    return () => {
      if (before instanceof HTMLElement && before.isConnected && before !== document.body) before.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="confirm-title">{props.title}</h2>
      {props.children}
      <div class="row">
        <button
          ref={ok}
          type="button"
          class={props.danger ? 'danger' : 'primary'}
          onClick={props.onConfirm}
          data-testid="confirm-ok"
        >
          {props.confirmLabel} {!props.danger && <Kbd k="Entrée" />}
        </button>
        <button ref={cancel} type="button" onClick={props.onCancel} data-testid="confirm-cancel">
          Annuler <Kbd k={props.danger ? 'Entrée / Échap' : 'Échap'} />
        </button>
      </div>
    </dialog>
  );
}

/** An error shown in place of a screen, always with the way back to the login. */
export function Fatal({ text }: { text: string }) {
  return (
    <div class="fatal" role="alert">
      <p>{text}</p>
      <button type="button" class="primary" onClick={() => endSession(null)}>
        Revenir à la connexion
      </button>
    </div>
  );
}

/**
 * What both pages need at start: the web configuration (null while loading), whether the server
 * could not be reached, and a re-render on login and logout only (a token refresh keeps the same
 * user and the same feed).
 */
export function usePageStart(): { config: WebConfig | null; failed: boolean; rerender: () => void } {
  const [config, setConfig] = useState<WebConfig | null>(null);
  const [failed, setFailed] = useState(false);
  const [, setVersion] = useState(0);
  useEffect(() => {
    loadWebConfig().then(setConfig, () => setFailed(true));
    let user = session()?.user.id ?? null;
    return onSessionChange(() => {
      const next = session()?.user.id ?? null;
      if (next !== user) {
        user = next;
        setVersion((v) => v + 1);
      }
    });
  }, []);
  return { config, failed, rerender: () => setVersion((v) => v + 1) };
}
