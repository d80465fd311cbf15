// Entry of the operator reports page (/operator-reports.html): supervisors and admins
// (docs/trunks.md, "Operator report").
import { render } from 'preact';
import '../styles.css';
import { session } from '../session.js';
import { Fatal, LoginForm, usePageStart } from '../ui.js';
import { SiteGate } from '../site-picker.js';
import { OperatorReportsPage } from './OperatorReportsPage.js';

function App() {
  const { config, failed, rerender } = usePageStart();
  if (failed) return <Fatal text="Serveur injoignable : rechargez la page dans un instant." />;
  if (!config) return <p class="loading">Chargement…</p>;
  const s = session();
  if (!s) return <LoginForm title="Relevés de l’opérateur — connexion" onDone={rerender} />;
  if (!s.user.roles.some((r) => r === 'supervisor' || r === 'admin'))
    return <Fatal text="Les relevés de l’opérateur sont réservés aux superviseurs et aux administrateurs." />;
  return (
    <SiteGate config={config} user={s.user}>
      <OperatorReportsPage key={s.user.id} config={config} />
    </SiteGate>
  );
}

render(<App />, document.getElementById('app')!);
