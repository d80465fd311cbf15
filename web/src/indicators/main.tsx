// Entry of the indicators page (/indicators.html): supervisors and admins.
import { render } from 'preact';
import '../styles.css';
import { session } from '../session.js';
import { Fatal, LoginForm, usePageStart } from '../ui.js';
import { SiteGate } from '../site-picker.js';
import { IndicatorsPage } from './IndicatorsPage.js';

function App() {
  const { config, failed, rerender } = usePageStart();
  if (failed) return <Fatal text="Serveur injoignable : rechargez la page dans un instant." />;
  if (!config) return <p class="loading">Chargement…</p>;
  const s = session();
  if (!s) return <LoginForm title="Indicateurs — connexion" onDone={rerender} />;
  if (!s.user.roles.some((r) => r === 'supervisor' || r === 'admin'))
    return <Fatal text="Les indicateurs sont réservés aux superviseurs." />;
  return (
    <SiteGate config={config} user={s.user}>
      <IndicatorsPage key={s.user.id} config={config} />
    </SiteGate>
  );
}

render(<App />, document.getElementById('app')!);
