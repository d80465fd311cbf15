// Imports every benchmark module so that each one registers itself.
import './core.js';
import './store.js';
import './indicators.js';
import './twin.js';
import './fanout.js';
import './telephony.js';
import './telephony-freeswitch.js';
import './history.js';
import './cluster.js';
import './web.js';
import './replay.js';
import './replay-day.js';
import './failover.js';
import './lrm-webhooks.js';
