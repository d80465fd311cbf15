// The ARI adapter suite on the one site shell with its in-memory command log (see ari-adapter.suite.ts).
import { adapterSuite } from './ari-adapter.suite.js';

adapterSuite('memory');
