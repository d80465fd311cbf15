// Entry of the supervisor's console (/wallboard.html).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../styles.css';
import { onSessionChange, session } from '../session.js';
import type { WebConfig } from '../types.js';
import { Fatal, LoginForm, loadWebConfig } from '../ui.js';
import { Console } from './Console.js';

function App() {
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
  if (failed) return <Fatal text="Serveur injoignable : rechargez la page dans un instant." />;
  if (!config) return <p class="loading">Chargement…</p>;
  const s = session();
  if (!s) return <LoginForm title="Supervision — connexion" onDone={() => setVersion((v) => v + 1)} />;
  if (!s.user.roles.some((r) => r === 'supervisor' || r === 'admin'))
    return <Fatal text="La supervision est réservée aux superviseurs." />;
  return <Console key={s.user.id} config={config} />;
}

render(<App />, document.getElementById('app')!);
