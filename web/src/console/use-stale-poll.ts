// A console panel's poll that never hides a failure (Dependencies.tsx, Trunks.tsx): the last good
// answer stays, marked stale with its age (ticking every second) when a request fails or none has
// answered for `staleMs` (a request hanging, not failing). A slow request is not piled on, one
// hanging past `staleMs` (or the panel's button) does not block the next, and a late answer of an
// older request is never shown over a newer one.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../session.js';

export type StalePoll<T> = {
  data: T | null;
  /** When the last good answer came (browser clock); null before the first. */
  okAt: number | null;
  /** The last request's failure in French; null once one succeeds again. */
  error: string | null;
  stale: boolean;
  /** Since the last good answer, ms (ticks every second). */
  age: number | null;
  /** Asks at once, whatever is in flight (the panel's « Actualiser »). */
  refresh(): void;
};

export function useStalePoll<T>(
  /** The path to ask (called at each poll, so it may change what it asks for). */
  path: () => string,
  /** Called with each good answer before it is shown (e.g. to keep what only some answers carry). */
  onAnswer: ((data: T) => void) | null,
  o: { pollMs: number; staleMs: number; key: string },
): StalePoll<T> {
  const [data, setData] = useState<T | null>(null);
  const [okAt, setOkAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(() => Date.now());
  /** When the request in flight was sent (0: none); `sent`/`shown`: the latest request sent and shown. */
  const inFlightAt = useRef(0);
  const sent = useRef(0);
  const shown = useRef(0);
  const alive = useRef(true);
  const ask = useRef(path);
  ask.current = path;
  const answered = useRef(onAnswer);
  answered.current = onAnswer;

  const load = useCallback(
    async (now = false) => {
      if (!now && inFlightAt.current && Date.now() - inFlightAt.current < o.staleMs) return;
      const mine = ++sent.current;
      inFlightAt.current = Date.now();
      try {
        const d = await api<T>('GET', ask.current());
        if (!alive.current || mine < shown.current) return;
        shown.current = mine;
        answered.current?.(d);
        setData(d);
        setOkAt(Date.now());
        setError(null);
      } catch (err) {
        if (alive.current && mine >= shown.current)
          setError(err instanceof ApiError ? err.message : 'Mesure impossible.');
      } finally {
        if (sent.current === mine) inFlightAt.current = 0;
      }
    },
    [o.staleMs],
  );

  useEffect(() => {
    alive.current = true;
    void load();
    const poll = setInterval(() => void load(), o.pollMs);
    const ticker = setInterval(() => setTick(Date.now()), 1000);
    return () => {
      alive.current = false;
      clearInterval(poll);
      clearInterval(ticker);
    };
  }, [load, o.pollMs, o.key]);

  const age = okAt === null ? null : Math.max(0, tick - okAt);
  const stale = data !== null && (error !== null || (age !== null && age > o.staleMs));
  return { data, okAt, error, stale, age, refresh: () => void load(true) };
}
