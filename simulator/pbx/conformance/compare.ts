// Comparing sim-pbx with the recording: request statuses and bodies, and the event sequence (types,
// order, key fields, structure, not ids). Events of one millisecond may come in any order.
import type { NewDivergence } from './divergence.js';
import type { Labeler } from './labels.js';
import { ID_PATTERN, channelPrefix } from './labels.js';

type Json = Record<string, unknown>;

const VOLATILE_KEYS = new Set([
  'id',
  'creationtime',
  'protocol_id',
  'timestamp',
  'asterisk_id',
  'entity_id',
  'startup_time',
  'last_reload_time',
]);
const ID_LIST_KEYS = new Set(['channels', 'channel_ids', 'bridge_ids']);
/** Variables whose values are media statistics or SIP call ids: compared by type only. */
const VOLATILE_VARIABLE = /^(RTPAUDIOQOS|BRIDGEPVTCALLID)/;

/** A value with ids turned into labels and volatile fields into their type. */
export function canon(value: unknown, lab: Labeler, key = ''): unknown {
  if (VOLATILE_KEYS.has(key)) return `<${typeof value}>`;
  if (ID_LIST_KEYS.has(key) && Array.isArray(value)) return value.map((id) => lab.of(String(id)));
  if (key === 'name' && typeof value === 'string') {
    return channelPrefix(value).replace(ID_PATTERN, (id) => (lab.has(id) ? lab.of(id) : id));
  }
  if (key === 'target_uri' && typeof value === 'string') {
    const [kind, id] = value.split(':');
    return `${kind}:${lab.of(id ?? '')}`;
  }
  if (typeof value === 'string') return value.replace(ID_PATTERN, (id) => (lab.has(id) ? lab.of(id) : id));
  if (Array.isArray(value)) return value.map((v) => canon(v, lab));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = canon(v, lab, k);
    return out;
  }
  return value;
}

/** Paths where two canonical values differ: missing or extra keys, other values, other lengths. */
export function diffValues(
  a: unknown,
  b: unknown,
  path = '',
): { path: string; asterisk: unknown; sim: unknown }[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [{ path: path || '.', asterisk: a, sim: b }];
    return a.flatMap((v, i) => diffValues(v, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: { path: string; asterisk: unknown; sim: unknown }[] = [];
    const ao = a as Json;
    const bo = b as Json;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
      const p = `${path}.${k}`;
      if (!(k in bo)) out.push({ path: p, asterisk: ao[k], sim: '<absent>' });
      else if (!(k in ao)) out.push({ path: p, asterisk: '<absent>', sim: bo[k] });
      else out.push(...diffValues(ao[k], bo[k], p));
    }
    return out;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [{ path: path || '.', asterisk: a, sim: b }];
}

/** `POST /ari/channels/1795419606.0/answer?x=y` → `POST /ari/channels/{id}/answer`. */
export function routeOf(method: string, path: string, ids: Iterable<string>): string {
  let p = path.split('?')[0] ?? path;
  for (const id of ids) p = p.split(`/${id}`).join('/{id}');
  p = p
    .replace(/\/\d{9,}\.\d+/g, '/{id}')
    .replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '/{id}');
  return `${method} ${p}`;
}

export function compareResponse(
  route: string,
  t_ms: number,
  asterisk: { status: number; body: unknown },
  sim: { status: number; body: unknown },
  realLab: Labeler,
  simLab: Labeler,
): NewDivergence[] {
  if (asterisk.status !== sim.status) {
    return [
      {
        code: `status ${route}`,
        kind: 'request',
        asterisk: { status: asterisk.status, body: asterisk.body },
        sim: { status: sim.status, body: sim.body },
        t_ms,
      },
    ];
  }
  const a = asterisk.body;
  if (typeof a === 'string' && a.startsWith('<swagger')) {
    // api-docs bodies were trimmed in the recording: only check it is a JSON document
    if (sim.body && typeof sim.body === 'object') return [];
    return [{ code: `body ${route}`, kind: 'request', asterisk: a, sim: sim.body, t_ms }];
  }
  return diffValues(canon(a ?? null, realLab), canon(sim.body ?? null, simLab)).map((d) => ({
    code: `body ${route} ${d.path}`,
    kind: 'request' as const,
    asterisk: d.asterisk,
    sim: d.sim,
    t_ms,
  }));
}

// ---- events -------------------------------------------------------------------------------------

export interface NormEvent {
  key: string;
  fields: Json;
  t_ms: number;
}

function channelFields(c: Json): Json {
  return { state: c.state, caller: c.caller, connected: c.connected, dialplan: c.dialplan };
}

export function normalizeEvent(e: Json, lab: Labeler, t_ms: number): NormEvent {
  const type = String(e.type);
  const channel = (e.channel ?? e.peer) as Json | undefined;
  const bridge = e.bridge as Json | undefined;
  const playback = e.playback as Json | undefined;
  const recording = e.recording as Json | undefined;
  const parts = [type];
  if (type === 'ChannelStateChange' && channel) parts.push(String(channel.state));
  if (type === 'Dial') parts.push(e.dialstatus === '' ? '""' : String(e.dialstatus));
  if (type === 'ChannelVarset') parts.push(String(e.variable));
  if (type === 'ChannelDialplan') parts.push(String(e.dialplan_app));
  if (channel) parts.push(lab.channel(channel));
  if (bridge) parts.push(lab.bridge(bridge));
  if (playback) parts.push(lab.playback(playback));
  if (recording) parts.push(`recording:${String(recording.name)}`);

  const fields: Json = {};
  if (e.channel) fields.channel = channelFields(e.channel as Json);
  if (e.peer) fields.peer = channelFields(e.peer as Json);
  if ('caller' in e) fields.caller = e.caller ? lab.channel(e.caller as Json) : e.caller;
  if (bridge) {
    fields.bridge = {
      bridge_type: bridge.bridge_type,
      technology: bridge.technology,
      name: bridge.name,
      channels: Array.isArray(bridge.channels)
        ? bridge.channels.map((id) => lab.of(String(id)))
        : bridge.channels,
    };
  }
  if (playback) fields.playback = canon(playback, lab);
  if (recording) fields.recording = canon(recording, lab);
  for (const k of [
    'args',
    'cause',
    'cause_txt',
    'tech_cause',
    'soft',
    'dialstring',
    'forward',
    'dialplan_app',
    'dialplan_app_data',
  ]) {
    if (k in e) fields[k] = e[k];
  }
  if (type === 'ChannelVarset') {
    const variable = String(e.variable);
    const value = e.value;
    if (VOLATILE_VARIABLE.test(variable)) fields.value = `<${typeof value}>`;
    else if (variable === 'BRIDGEPEER' && typeof value === 'string') {
      fields.value = value === '' ? '' : value.split(',').map(channelPrefix).join(',');
    } else fields.value = value;
  }
  return { key: parts.join(' '), fields, t_ms };
}

/** Longest common subsequence of two key lists: the matched index pairs, in order. */
function lcs(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const dp: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * Align the events: a common subsequence first; then an event both sides have but in another place
 * is forgiven when Asterisk sent it in the same millisecond as the ones it was swapped with (the
 * README says that order varies between runs), and reported as an order divergence otherwise.
 */
export function compareEvents(real: NormEvent[], sim: NormEvent[]): NewDivergence[] {
  const out: NewDivergence[] = [];
  const pairs = lcs(
    real.map((e) => e.key),
    sim.map((e) => e.key),
  );
  const simOfReal = new Map<number, number>(pairs);
  const matchedSim = new Set(pairs.map(([, j]) => j));
  const unmatchedSim = sim.map((_, j) => j).filter((j) => !matchedSim.has(j));
  const matched: [number, number][] = [...pairs];

  for (let i = 0; i < real.length; i++) {
    if (simOfReal.has(i)) continue;
    const r = real[i]!;
    const k = unmatchedSim.findIndex((j) => sim[j]!.key === r.key);
    if (k < 0) {
      out.push({
        code: `missing-event ${r.key}`,
        kind: 'event',
        asterisk: r.fields,
        sim: '<absent>',
        t_ms: r.t_ms,
      });
      continue;
    }
    const j = unmatchedSim[k]!;
    unmatchedSim.splice(k, 1);
    matched.push([i, j]);
    // the window Asterisk's same-millisecond neighbours span in the sim's sequence
    let lo = -1;
    let hi = sim.length;
    for (let p = i - 1; p >= 0; p--) {
      if (real[p]!.t_ms === r.t_ms) continue;
      const s = simOfReal.get(p);
      if (s !== undefined) {
        lo = s;
        break;
      }
    }
    for (let p = i + 1; p < real.length; p++) {
      if (real[p]!.t_ms === r.t_ms) continue;
      const s = simOfReal.get(p);
      if (s !== undefined) {
        hi = s;
        break;
      }
    }
    if (j < lo || j > hi) {
      out.push({
        code: `order ${r.key}`,
        kind: 'event',
        asterisk: `event #${i} of the recording (t=${r.t_ms} ms)`,
        sim: `event #${j} of sim-pbx`,
        t_ms: r.t_ms,
      });
    }
  }
  for (const j of unmatchedSim) {
    out.push({
      code: `extra-event ${sim[j]!.key}`,
      kind: 'event',
      asterisk: '<absent>',
      sim: sim[j]!.fields,
    });
  }
  for (const [i, j] of matched.sort((x, y) => x[0] - y[0])) {
    const r = real[i]!;
    const type = r.key.split(' ')[0];
    for (const d of diffValues(r.fields, sim[j]!.fields)) {
      out.push({
        code: `field ${type} ${d.path.slice(1)}`,
        kind: 'event',
        asterisk: d.asterisk,
        sim: d.sim,
        t_ms: r.t_ms,
      });
    }
  }
  return out;
}
