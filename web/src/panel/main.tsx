// Entry of the agent's page (/arm.html): the login, then the desk of the user's agent.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../styles.css';
import { onSessionChange, session } from '../session.js';
import type { WebConfig } from '../types.js';
import { Fatal, LoginForm, loadWebConfig } from '../ui.js';
import { Panel } from './Panel.js';

function App() {
  const [config, setConfig] = useState<WebConfig | null>(null);
  const [failed, setFailed] = useState(false);
  const [, setVersion] = useState(0);
  useEffect(() => {
    loadWebConfig().then(setConfig, () => setFailed(true));
    // Re-render on login and logout only (a refresh keeps the same user and the same feed).
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
  if (!s) return <LoginForm title="Poste de travail — connexion" onDone={() => setVersion((v) => v + 1)} />;
  if (!s.user.agentId)
    return <Fatal text="Votre compte n’est lié à aucun poste : utilisez la supervision." />;
  return <Panel key={s.user.id} config={config} />;
}

render(<App />, document.getElementById('app')!);
