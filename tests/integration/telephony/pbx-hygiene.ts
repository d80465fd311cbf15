// The PBX hygiene check: once a test's calls are over, the PBX must hold no channel and no bridge
// without a reason. Read through ARI (GET /channels, GET /bridges), so it works the same on sim-pbx
// and on a real Asterisk, whatever the adapter believes. It waits for the PBX to settle (hang-ups
// are carried out asynchronously) and fails naming what is left.
import type { AriBridgeJson, AriChannelJson } from '../../../src/telephony/ari/ari-rest.js';

export type PbxAccess = { ariUrl: string; user: string; password: string };

/** Why a bridge may outlive the calls, or null when it is a leak. */
export type BridgeReason = (b: AriBridgeJson) => string | null;

/** The adapter keeps one holding bridge per queue (with its music) for the next caller. */
export const queueBridgeReason: BridgeReason = (b) =>
  b.bridge_type === 'holding' && b.name.startsWith('queue-') && b.channels.length === 0
    ? `the music bridge of queue ${b.name.slice(6)}, kept for its next caller`
    : null;

/** Why a channel may outlive the calls, or null when it is a leak. */
export type ChannelReason = (c: AriChannelJson) => string | null;

/** Asterisk plays a bridge's music through an Announcer channel of its own (res_stasis). */
export const mohAnnouncerReason: ChannelReason = (c) =>
  c.name.startsWith('Announcer/ARI_MOH') ? "the music of a queue's holding bridge" : null;

export type Leftovers = {
  channels: AriChannelJson[];
  bridges: AriBridgeJson[];
  /** Bridges and channels left for a reason, with it. */
  explained: { bridge?: AriBridgeJson; channel?: AriChannelJson; reason: string }[];
};

async function get<T>(pbx: PbxAccess, path: string): Promise<T> {
  const auth = Buffer.from(`${pbx.user}:${pbx.password}`).toString('base64');
  const r = await fetch(`${pbx.ariUrl.replace(/\/$/, '')}/ari${path}`, {
    headers: { authorization: `Basic ${auth}` },
  });
  if (!r.ok) throw new Error(`GET /ari${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** What the PBX holds now that no call should be using: every channel, and unexplained bridges. */
export async function leftovers(
  pbx: PbxAccess,
  reasonFor: BridgeReason = queueBridgeReason,
  channelReason: ChannelReason = mohAnnouncerReason,
): Promise<Leftovers> {
  const [channels, bridges] = await Promise.all([
    get<AriChannelJson[]>(pbx, '/channels'),
    get<AriBridgeJson[]>(pbx, '/bridges'),
  ]);
  const out: Leftovers = { channels: [], bridges: [], explained: [] };
  for (const c of channels) {
    const reason = channelReason(c);
    if (reason) out.explained.push({ channel: c, reason });
    else out.channels.push(c);
  }
  const named = new Set<string>();
  for (const b of bridges) {
    // A reason holds for one bridge of a name: a second queue bridge is one nobody will use again.
    const reason = named.has(b.name) ? null : reasonFor(b);
    if (reason) out.explained.push({ bridge: b, reason });
    else out.bridges.push(b);
    named.add(b.name);
  }
  return out;
}

const describeChannel = (c: AriChannelJson) =>
  `${c.id} ${c.name} ${c.state}${c.dialplan?.app_name ? ` in ${c.dialplan.app_name}(${c.dialplan.app_data ?? ''})` : ''}`;
const describeBridge = (b: AriBridgeJson) =>
  `${b.id} ${b.bridge_type} "${b.name}" with [${b.channels.join(', ')}]`;

/**
 * Waits (up to `within` ms) until the PBX holds no channel and no bridge without a reason; throws
 * naming each stray channel and bridge otherwise. Returns what was left for a reason.
 */
export async function expectCleanPbx(
  pbx: PbxAccess,
  opts: {
    within?: number;
    reasonFor?: BridgeReason;
    /** Why a channel may stay (by default only Asterisk's music announcer). */
    channelReason?: ChannelReason;
  } = {},
): Promise<Leftovers> {
  const within = opts.within ?? 5000;
  const start = Date.now();
  for (;;) {
    const left = await leftovers(pbx, opts.reasonFor, opts.channelReason);
    if (left.channels.length === 0 && left.bridges.length === 0) return left;
    if (Date.now() - start > within) {
      const lines = [
        ...left.channels.map((c) => `  channel ${describeChannel(c)}`),
        ...left.bridges.map((b) => `  bridge ${describeBridge(b)}`),
      ];
      throw new Error(`the PBX is not clean ${within} ms after the calls ended:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
