// Entry of the agent's page (/arm.html): the login, then the desk of the user's agent.
import { render } from 'preact';
import '../styles.css';
import { session } from '../session.js';
import { Fatal, LoginForm, usePageStart } from '../ui.js';
import { SiteGate } from '../site-picker.js';
import { Panel } from './Panel.js';

function App() {
  const { config, failed, rerender } = usePageStart();
  if (failed) return <Fatal text="Serveur injoignable : rechargez la page dans un instant." />;
  if (!config) return <p class="loading">Chargement…</p>;
  const s = session();
  if (!s) return <LoginForm title="Poste de travail — connexion" onDone={rerender} />;
  if (!s.user.agentId)
    return <Fatal text="Votre compte n’est lié à aucun poste : utilisez la supervision." />;
  return (
    <SiteGate config={config} user={s.user}>
      <Panel key={s.user.id} config={config} />
    </SiteGate>
  );
}

render(<App />, document.getElementById('app')!);
