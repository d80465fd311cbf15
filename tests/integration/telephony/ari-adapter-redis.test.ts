// The ARI adapter suite on the one site shell with its Redis command log, as `serve` runs it.
import { adapterSuite } from './ari-adapter.suite.js';

adapterSuite('redis');
