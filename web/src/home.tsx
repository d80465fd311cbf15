// The home page: where each person goes.
import { render } from 'preact';
import './styles.css';

render(
  <div class="home">
    <h1>sas-acd — distribution des appels du 15 et du SAS</h1>
    <ul>
      <li>
        <a href="/arm.html">Poste de travail (ARM, OSNP, médecins)</a>
      </li>
      <li>
        <a href="/wallboard.html">Supervision de salle</a>
      </li>
      <li>
        <a href="/indicators.html">Indicateurs officiels (annexe 3)</a>
      </li>
      <li>
        <a href="/recordings.html">Enregistrements des appels (superviseurs, qualité)</a>
      </li>
      <li>
        <a href="/operator-reports.html">Relevés de l’opérateur (appels adressés aux numéros)</a>
      </li>
      <li>
        <a href="/api/v1/docs">API (OpenAPI)</a>
      </li>
      <li>
        <a href="/metrics">Métriques Prometheus</a>
      </li>
    </ul>
  </div>,
  document.getElementById('app')!,
);
