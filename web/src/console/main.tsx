// Entry of the supervisor's console (/wallboard.html).
import { render } from 'preact';
import '../styles.css';
import { session } from '../session.js';
import { Fatal, LoginForm, usePageStart } from '../ui.js';
import { SiteGate } from '../site-picker.js';
import { Console } from './Console.js';

function App() {
  const { config, failed, rerender } = usePageStart();
  if (failed) return <Fatal text="Serveur injoignable : rechargez la page dans un instant." />;
  if (!config) return <p class="loading">Chargement…</p>;
  const s = session();
  if (!s) return <LoginForm title="Supervision — connexion" onDone={rerender} />;
  if (!s.user.roles.some((r) => r === 'supervisor' || r === 'admin'))
    return <Fatal text="La supervision est réservée aux superviseurs." />;
  return (
    <SiteGate config={config} user={s.user}>
      <Console key={s.user.id} config={config} />
    </SiteGate>
  );
}

render(<App />, document.getElementById('app')!);
