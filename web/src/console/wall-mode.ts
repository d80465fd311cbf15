// The wall mode: the room's figures in large type on the whole screen, without the actions (a
// wall screen is read from across the room, nobody clicks it). Full screen when the browser
// allows it; the browser's own way out (Échap) leaves the wall mode too. `#mur` in the address
// opens the console in wall mode, for a wall screen that starts by itself (the browser grants
// full screen only after a click or a kiosk start, so that screen is sized by its kiosk mode).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

const HASH = '#mur';

export function useWallMode(): { wall: boolean; toggleWall: () => void } {
  const [wall, setWall] = useState(() => location.hash === HASH);
  /** Full screen asked by the wall mode (not one the user had before). */
  const ours = useRef(false);

  const leave = useCallback(() => {
    setWall(false);
    history.replaceState(null, '', location.pathname + location.search);
  }, []);

  useEffect(() => {
    const onChange = () => {
      if (document.fullscreenElement) return;
      if (ours.current) leave();
      ours.current = false;
    };
    // The address edited by hand (or a kiosk's script): #mur on, anything else off.
    const onHash = () => setWall(location.hash === HASH);
    document.addEventListener('fullscreenchange', onChange);
    window.addEventListener('hashchange', onHash);
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      window.removeEventListener('hashchange', onHash);
    };
  }, [leave]);

  const toggleWall = useCallback(() => {
    if (wall) {
      leave();
      if (ours.current && document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
      ours.current = false;
      return;
    }
    setWall(true);
    history.replaceState(null, '', location.pathname + location.search + HASH);
    if (!document.fullscreenElement && document.documentElement.requestFullscreen)
      document.documentElement.requestFullscreen().then(
        () => (ours.current = true),
        () => undefined, // refused (no user gesture, a policy): the wall mode in the window
      );
  }, [wall, leave]);

  return { wall, toggleWall };
}
