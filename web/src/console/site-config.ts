// The page's site configuration (/web-config.json), kept current: `reload()` reads it again, and
// only the newest answer is kept (two reloads close together may answer out of order). A failed
// read keeps the last one: the console goes on with what it knows.
import { useMemo, useRef, useState } from 'preact/hooks';
import type { WebConfig } from '../types.js';
import { loadWebConfig } from '../ui.js';

export type LiveConfig = WebConfig & { reload(): void };

export function useSiteConfig(first: WebConfig): LiveConfig {
  const [config, setConfig] = useState(first);
  const asked = useRef(0);
  const reload = useMemo(
    () => () => {
      const n = ++asked.current;
      loadWebConfig().then(
        (c) => {
          if (n === asked.current) setConfig(c);
        },
        () => undefined,
      );
    },
    [],
  );
  return useMemo(() => ({ ...config, reload }), [config, reload]);
}
