// The site picker, for a user who works on several of the sites this process serves (`serve` with
// several sites; docs/web.md, "Several sites"). The page of a site is its address with
// `?site=<id>`. Without it, the page asks which site, keyboard first (↑/↓ then Entrée, or the
// site's number), and remembers the choice on this workstation for this user (localStorage): the
// next visit opens that site straight away. The bar above the page names the site and comes back
// to the picker ("Changer de site", Alt+S). A user of one site only goes to it; one site served:
// nothing changes.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { WebConfig } from './types.js';
import { Kbd } from './ui.js';

const rememberedKey = (userId: string) => `sas-acd.site.${userId}`;
const remembered = (userId: string): string | null => {
  try {
    return localStorage.getItem(rememberedKey(userId));
  } catch {
    return null; // private mode: nothing remembered
  }
};
const remember = (userId: string, siteId: string) => {
  try {
    localStorage.setItem(rememberedKey(userId), siteId);
  } catch {
    // private mode: the choice lasts for the page
  }
};

/** Opens the page of a site: the same page, `?site=<id>` in its address. */
function openSite(siteId: string): void {
  const url = new URL(location.href);
  url.searchParams.set('site', siteId);
  location.assign(url.toString());
}

type User = { id: string; sites: string[] };

export function SiteGate({
  config,
  user,
  children,
}: {
  config: WebConfig;
  user: User;
  children: ComponentChildren;
}) {
  const mine = config.sites.filter((id) => user.sites.includes(id));
  const asked = new URLSearchParams(location.search).get('site');
  const [picking, setPicking] = useState(false);
  const last = remembered(user.id);
  // Where to go without asking: the only site of the user, or the one chosen last time here.
  const goTo =
    asked !== null
      ? null
      : mine.length === 1 && mine[0] !== config.siteId
        ? mine[0]!
        : mine.length > 1 && last !== null && mine.includes(last)
          ? last
          : null;
  useEffect(() => {
    if (goTo) openSite(goTo);
  }, [goTo]);
  useEffect(() => {
    if (asked !== null && mine.includes(asked)) remember(user.id, asked);
  }, [asked, user.id]);
  useEffect(() => {
    if (mine.length < 2) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.code === 'KeyS') {
        e.preventDefault();
        setPicking(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [mine.length]);

  if (goTo) return <p class="loading">Chargement…</p>;
  if (mine.length < 2) return <>{children}</>;
  const current = asked !== null && mine.includes(asked) ? asked : null;
  if (picking || current === null)
    return (
      <SitePicker
        sites={mine}
        names={config.siteNames}
        preferred={current ?? last}
        preferredIs={current !== null ? 'site actuel' : 'dernier choisi'}
        refused={asked !== null && current === null ? asked : null}
        onCancel={current !== null ? () => setPicking(false) : null}
      />
    );
  return (
    <>
      <nav class="site-bar" aria-label="Site" data-testid="site-bar">
        <span>
          Site : <strong>{config.siteNames[current] ?? current}</strong>
        </span>
        <button type="button" class="link" onClick={() => setPicking(true)}>
          Changer de site <Kbd k="Alt+S" />
        </button>
      </nav>
      {children}
    </>
  );
}

function SitePicker({
  sites,
  names,
  preferred,
  preferredIs,
  refused,
  onCancel,
}: {
  sites: string[];
  names: Record<string, string>;
  preferred: string | null;
  preferredIs: string;
  refused: string | null;
  onCancel: (() => void) | null;
}) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  useLayoutEffect(() => {
    const at = preferred !== null ? sites.indexOf(preferred) : -1;
    buttons.current[Math.max(at, 0)]?.focus();
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    const at = buttons.current.findIndex((b) => b === document.activeElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      buttons.current[(Math.max(at, 0) + step + sites.length) % sites.length]?.focus();
    } else if (/^[1-9]$/.test(e.key) && !e.altKey && !e.ctrlKey && !e.metaKey) {
      const site = sites[Number(e.key) - 1];
      if (site) {
        e.preventDefault();
        e.stopPropagation();
        openSite(site);
      }
    } else if (e.key === 'Escape' && onCancel) {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    }
  };
  // On the window, not the picker: a digit typed the instant the picker shows, before its first
  // button has the focus, still picks (it was lost on a busy machine). In the capture phase, and
  // kept from the page below: its own shortcuts (digits too) must not act on the picker's keys.
  const latest = useRef(onKeyDown);
  latest.current = onKeyDown;
  // A layout effect runs in the render's own task: no key can come between the picker shown and
  // its listener (an effect runs later, and a digit typed at once was lost).
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => latest.current(e);
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <main class="site-picker" data-testid="site-picker">
      <h1 id="site-picker-title">Choisissez votre site</h1>
      {refused && (
        <p class="error" role="alert">
          Vous n’avez pas accès au site « {refused} ».
        </p>
      )}
      <p class="hint">
        <Kbd k="↑" /> <Kbd k="↓" /> puis <Kbd k="Entrée" />, ou le chiffre du site.
        {onCancel && (
          <>
            {' '}
            <Kbd k="Échap" /> : rester sur ce site.
          </>
        )}
      </p>
      <ul aria-labelledby="site-picker-title">
        {sites.map((id, i) => (
          <li key={id}>
            <button
              type="button"
              ref={(b) => {
                buttons.current[i] = b;
              }}
              data-site={id}
              onClick={() => openSite(id)}
            >
              {i < 9 && <Kbd k={String(i + 1)} />} {names[id] ?? `SAS ${id}`}
              {id === preferred && <span class="hint"> — {preferredIs}</span>}
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
