// Entry of the recordings page (/recordings.html): supervisors and the quality role (docs/recording.md).
import { render } from 'preact';
import '../styles.css';
import { session } from '../session.js';
import { Fatal, LoginForm, usePageStart } from '../ui.js';
import { SiteGate } from '../site-picker.js';
import { RecordingsPage } from './RecordingsPage.js';

function App() {
  const { config, failed, rerender } = usePageStart();
  if (failed) return <Fatal text="Serveur injoignable : rechargez la page dans un instant." />;
  if (!config) return <p class="loading">Chargement…</p>;
  const s = session();
  if (!s) return <LoginForm title="Enregistrements — connexion" onDone={rerender} />;
  if (!s.user.roles.some((r) => r === 'supervisor' || r === 'quality'))
    return <Fatal text="L’écoute des enregistrements est réservée aux superviseurs et à la qualité." />;
  return (
    <SiteGate config={config} user={s.user}>
      <RecordingsPage key={s.user.id} config={config} />
    </SiteGate>
  );
}

render(<App />, document.getElementById('app')!);
