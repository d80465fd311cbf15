/* eslint-disable @typescript-eslint/no-explicit-any -- socket payloads read loosely in tests */
// Live supervision over real Socket.IO clients: snapshot on connect, a new call in the N1 count
// within one update, QS 30 s moving when it is answered, at most 4 updates/s, a reconnect that
// gets a consistent snapshot, the handshake checks, the agent namespace, and the Redis adapter.
// Then, under traffic with a cap of 5/s: clients of a site get the same delta sequence, a client
// joining mid-traffic ends equal to a fresh snapshot, and no client (even one asking for
// snapshots) gets more than the cap.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { siteDeltaSchema, siteSnapshotSchema } from '../../../src/realtime/index.js';
import { next, startHarness, until, type Harness } from './harness.js';

let h: Harness;
let n = 0;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

const arrive = (siteId = '44') => {
  const callId = `rt-${++n}`;
  h.runtimes.get(siteId)!.dispatch({
    type: 'arriveCall',
    callId,
    line: '15',
    callerNumber: '0611223344',
    callerName: 'Marie Curie',
  });
  return callId;
};
const n1 = (msg: any) => msg.queues.find((q: any) => q.id === 'n1');

/** A client-side copy of the room, kept from the snapshot and the deltas as a wallboard would. */
function follow(socket: Socket) {
  const room = {
    seq: -1,
    queues: [] as any[],
    qs30: null as any,
    calls: new Map<string, any>(),
    agents: new Map<string, any>(),
    alarms: new Map<string, any>(),
    deltas: [] as any[],
  };
  socket.on('snapshot', (s: any) => {
    room.seq = s.seq;
    room.queues = s.queues;
    room.qs30 = s.qs30;
    room.calls = new Map(s.calls.map((c: any) => [c.id, c]));
    room.agents = new Map(s.agents.map((a: any) => [a.id, a]));
    room.alarms = new Map(s.alarms.map((a: any) => [a.id, a]));
  });
  socket.on('delta', (d: any) => {
    room.deltas.push({ ...d, receivedAt: Date.now() });
    if (d.seq <= room.seq) return;
    room.seq = d.seq;
    room.queues = d.queues;
    room.qs30 = d.qs30 ?? room.qs30;
    // A known call comes as its changed fields (docs/api.md): merged, `listeners: []` = none.
    for (const c of d.calls) {
      const next = { ...room.calls.get(c.id), ...c };
      if (c.listeners?.length === 0) delete next.listeners;
      room.calls.set(c.id, next);
    }
    for (const id of d.removedCalls) room.calls.delete(id);
    for (const a of d.agents) room.agents.set(a.id, { ...room.agents.get(a.id), ...a });
    for (const a of d.alarms) room.alarms.set(a.id, a);
    for (const id of d.clearedAlarms) room.alarms.delete(id);
  });
  return room;
}

const comparable = (room: {
  queues: any[];
  calls: Map<string, any>;
  agents: Map<string, any>;
  alarms: Map<string, any>;
}) => ({
  queues: room.queues,
  calls: [...room.calls.values()].sort((a, b) => a.id.localeCompare(b.id)),
  agents: [...room.agents.values()].sort((a, b) => a.id.localeCompare(b.id)),
  alarms: [...room.alarms.values()].sort((a, b) => a.id.localeCompare(b.id)),
});

describe('/supervisor', () => {
  let sup: Socket;
  afterEach(() => sup?.disconnect());

  it('sees a new call in the N1 count within one update, and QS 30 s change when it is answered', async () => {
    sup = h.socket('/supervisor', await h.token('sup44'));
    const snapshot = await next<any>(sup, 'snapshot');
    expect(snapshot.siteId).toBe('44');
    // The messages match the schemas published in the OpenAPI components.
    expect(siteSnapshotSchema.strict().safeParse(snapshot).success).toBe(true);
    expect(n1(snapshot).waiting).toBe(0);
    expect(snapshot.qs30.last15min).toBeNull();

    const callId = arrive();
    const first = await next<any>(sup, 'delta');
    expect(siteDeltaSchema.strict().safeParse(first).success).toBe(true);
    expect(n1(first).waiting).toBe(1);
    expect(first.calls.map((c: any) => c.id)).toContain(callId);
    expect(JSON.stringify(first)).not.toMatch(/0611223344|Marie Curie/);

    await h.call('POST', '/sites/44/agent/login', { as: 'arm1' });
    await h.call('POST', `/sites/44/calls/${callId}/answer`, { as: 'arm1' });
    const answered = await next<any>(sup, 'delta', (d) => d.qs30 && d.qs30.last15min !== null);
    expect(answered.qs30).toMatchObject({ last15min: 1, lastHour: 1, today: 1 });
    // Each queue's level by the same code: N1's answer within its threshold, no answer elsewhere.
    expect(answered.qs30.byQueue.n1).toEqual({ last15min: 1, lastHour: 1, today: 1 });
    expect(answered.qs30.byQueue['n2-amu']).toEqual({ last15min: null, lastHour: null, today: null });
    expect(n1(answered)).toMatchObject({ waiting: 0, offered: 0 });
    await h.call('POST', `/sites/44/calls/${callId}/qualify`, { as: 'arm1', body: { qualification: 'DR' } });
    await h.call('POST', `/sites/44/calls/${callId}/hangup`, { as: 'arm1', body: { disposition: 'autre' } });
    const ended = await next<any>(sup, 'delta', (d) => d.removedCalls.includes(callId));
    expect(ended.agents.find((a: any) => a.id === 'arm-1').status).toBe('wrap-up');
  });

  it("sends an agent's pause reason, call and wrap-up end only when they moved; a client that joins gets them whole", async () => {
    sup = h.socket('/supervisor', await h.token('sup44'));
    await next(sup, 'snapshot');
    const arm = (d: any) => d.agents.find((a: any) => a.id === 'arm-2');
    await h.call('POST', '/sites/44/agent/login', { as: 'arm2' });
    // Status and since always; the rest the first time the room hears of the agent…
    expect(arm(await next<any>(sup, 'delta', (d) => arm(d)?.status === 'available'))).toMatchObject({
      pauseReason: null,
      callId: null,
      wrapUntil: null,
    });
    await h.call('POST', '/sites/44/agent/pause', { as: 'arm2', body: { reason: 'Repas' } });
    const pausedDelta = await next<any>(sup, 'delta', (d) => arm(d)?.status === 'paused');
    expect(siteDeltaSchema.strict().safeParse(pausedDelta).success).toBe(true);
    const paused = arm(pausedDelta);
    // …then only what moved.
    expect(paused).toEqual({
      id: 'arm-2',
      status: 'paused',
      since: expect.any(Number),
      pauseReason: 'Repas',
    });
    // A client that joins now: the next delta sends the agent whole again, for it (its call and
    // wrap-up end did not move, and come all the same).
    const late = h.socket('/supervisor', await h.token('sup44'));
    await next(late, 'snapshot');
    await h.call('POST', '/sites/44/agent/ready', { as: 'arm2' });
    const ready = arm(await next<any>(late, 'delta', (d) => arm(d)?.status === 'available'));
    expect(ready).toMatchObject({ pauseReason: null, callId: null, wrapUntil: null });
    late.disconnect();
    await h.call('POST', '/sites/44/agent/logout', { as: 'arm2' });
  });

  it('sends at most 4 updates per second, coalesced, and loses nothing', async () => {
    sup = h.socket('/supervisor', await h.token('sup44'));
    const room = follow(sup);
    await next(sup, 'snapshot');
    const ids: string[] = [];
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      ids.push(arrive());
      await new Promise((r) => setTimeout(r, 25));
    }
    await until(() => ids.every((id) => room.calls.has(id)), 'every call on the wallboard');
    const times = room.deltas.map((d) => d.receivedAt);
    for (let i = 4; i < times.length; i++) expect(times[i]! - times[i - 4]!).toBeGreaterThanOrEqual(950);
    // 40 changes coalesced into at most 4 deltas a second of however long the 40 took to arrive
    // (about 1 s on a quiet machine, longer on a busy one: the cap, not the machine, is tested).
    const seconds = (Date.now() - started) / 1000;
    expect(room.deltas.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
    for (const id of ids) h.runtimes.get('44')!.dispatch({ type: 'callerHungUp', callId: id });
    await until(() => ids.every((id) => !room.calls.has(id)), 'every call gone');
  });

  it('a reconnecting client gets a fresh snapshot consistent with what a follower built from deltas', async () => {
    const token = await h.token('sup44');
    const watcher = h.socket('/supervisor', token);
    const followed = follow(watcher);
    await next(watcher, 'snapshot');
    sup = h.socket('/supervisor', token);
    await next(sup, 'snapshot');
    sup.disconnect();
    // Things happen while the client is away.
    const a = arrive();
    const b = arrive();
    h.runtimes.get('44')!.dispatch({ type: 'callerHungUp', callId: a });
    h.runtimes.get('44')!.dispatch({ type: 'agentLogin', agentId: 'arm-3' });
    await new Promise((r) => setTimeout(r, 400));
    sup = h.socket('/supervisor', token);
    const again = follow(sup);
    const snap = await next<any>(sup, 'snapshot');
    expect(snap.seq).toBeGreaterThanOrEqual(followed.seq);
    expect(snap.calls.map((c: any) => c.id)).not.toContain(a);
    await until(
      () =>
        followed.deltas.length > 0 && comparable(followed).calls.length === comparable(again).calls.length,
      'settled',
    );
    expect(comparable(again)).toEqual(comparable(followed));
    // A client that suspects a gap may also ask for a snapshot without reconnecting.
    const resync = next<any>(sup, 'snapshot');
    sup.emit('resync');
    expect((await resync).seq).toBeGreaterThanOrEqual(snap.seq);
    const rest = (await h.call('GET', '/sites/44/overview', { as: 'sup44' })).body;
    expect(rest.queues).toEqual(snap.queues);
    expect(rest.calls.map((c: any) => c.id)).toContain(b);
    watcher.disconnect();
    h.runtimes.get('44')!.dispatch({ type: 'callerHungUp', callId: b });
  });

  it('checks the token and the sites at the handshake', async () => {
    const refusal = async (socket: Socket) =>
      (await new Promise<any>((resolve) => socket.on('connect_error', resolve))).data;
    expect(await refusal(h.socket('/supervisor', ''))).toEqual({ status: 401, reason: 'token-missing' });
    expect(await refusal(h.socket('/supervisor', 'not.a.token'))).toEqual({
      status: 401,
      reason: 'token-invalid',
    });
    expect(await refusal(h.socket('/supervisor', await h.token('arm1')))).toEqual({
      status: 403,
      reason: 'role-forbidden',
    });
    expect(await refusal(h.socket('/supervisor', await h.token('sup44'), { sites: ['85'] }))).toEqual({
      status: 403,
      reason: 'site-forbidden',
    });
    // A supervisor of 85 joins 85 only: activity on 44 never reaches it.
    sup = h.socket('/supervisor', await h.token('sup85'));
    const snaps: any[] = [];
    sup.on('snapshot', (s) => snaps.push(s));
    const deltas: any[] = [];
    sup.on('delta', (d) => deltas.push(d));
    await until(() => snaps.length === 1, 'snapshot');
    const id = arrive('44');
    arrive('85');
    await until(() => deltas.length > 0, 'a delta of 85');
    await new Promise((r) => setTimeout(r, 300));
    expect(snaps.map((s) => s.siteId)).toEqual(['85']);
    expect(deltas.every((d) => d.siteId === '85')).toBe(true);
    h.runtimes.get('44')!.dispatch({ type: 'callerHungUp', callId: id });
  });
});

describe('/agent', () => {
  it('gets its desk on connect, the offer of a call, and updates of its call and figures', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm2' });
    const agent = h.socket('/agent', await h.token('arm2'));
    const snap = await next<any>(agent, 'snapshot');
    expect(snap).toMatchObject({ siteId: '44', agent: { id: 'arm-2', status: 'available' }, call: null });
    // Make sure arm-2 is the only one free.
    for (const id of ['arm-1', 'arm-3']) {
      const st = h.runtimes.get('44')!.state.data.agents[id]!.status;
      if (st === 'available')
        h.runtimes.get('44')!.dispatch({ type: 'agentPause', agentId: id, reason: 'test' });
    }
    const offer = next<any>(agent, 'offer');
    const callId = arrive();
    const o = await offer;
    expect(o).toMatchObject({ callId, queueId: 'n1', autoAnswer: true });
    expect(o.call.callerNumber).toBe('0611223344');
    const connected = next<any>(agent, 'update', (u) => u.agent.status === 'on-call');
    h.runtimes.get('44')!.dispatch({ type: 'answerOffer', callId, agentId: 'arm-2' });
    expect((await connected).call.id).toBe(callId);
    const ended = next<any>(agent, 'update', (u) => u.call === null && u.stats.answered === 1);
    h.runtimes.get('44')!.dispatch({ type: 'callerHungUp', callId });
    expect((await ended).agent.status).toBe('wrap-up');
    agent.disconnect();
    // An admin has no agent: refused.
    const admin = h.socket('/agent', await h.token('admin'));
    const err = await new Promise<any>((resolve) => admin.on('connect_error', resolve));
    expect(err.data.status).toBe(403);
  });
});

describe('several processes', () => {
  it('only the publishing process sends deltas; one that takes over sends the whole room first', async () => {
    let leader = false;
    const r = await startHarness({ publishes: () => leader });
    try {
      const sup = r.socket('/supervisor', await r.token('sup44'), { sites: ['44'] });
      const seen: string[] = [];
      sup.on('delta', () => seen.push('delta'));
      sup.on('snapshot', () => seen.push('snapshot'));
      await until(() => seen.length === 1, 'first snapshot');
      r.runtimes.get('44')!.dispatch({ type: 'arriveCall', callId: 'std-1', line: '15' });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen).toEqual(['snapshot']);
      leader = true;
      const takeover = next<any>(sup, 'snapshot');
      r.runtimes.get('44')!.dispatch({ type: 'arriveCall', callId: 'std-2', line: '15' });
      const full = await takeover;
      expect(full.calls.map((c: any) => c.id).sort()).toEqual(['std-1', 'std-2']);
      expect(full.seq).toBeGreaterThan(1_000_000_000_000);
      r.runtimes.get('44')!.dispatch({ type: 'callerHungUp', callId: 'std-1' });
      const d = await next<any>(sup, 'delta');
      expect(d.removedCalls).toEqual(['std-1']);
      expect(d.seq).toBeGreaterThan(full.seq);
    } finally {
      await r.stop();
    }
  });
});

describe('with the Redis adapter', () => {
  it('serves snapshots and deltas through Redis pub/sub, and closes the connection when the token expires', async () => {
    const r = await startHarness({ redisUrl: inject('redisUrl'), accessTtlSeconds: 2 });
    try {
      const sup = r.socket('/supervisor', await r.token('sup44'));
      await next(sup, 'snapshot');
      r.runtimes.get('44')!.dispatch({ type: 'arriveCall', callId: 'redis-1', line: '15' });
      const d = await next<any>(sup, 'delta');
      expect(n1(d).waiting).toBe(1);
      const expired = await next<any>(sup, 'expired', () => true, 3000);
      expect(expired.reason).toBe('token-expired');
      await until(() => !sup.connected, 'disconnected');
    } finally {
      await r.stop();
    }
  });
});

describe('/supervisor: one flush per site room', () => {
  // Its own API with a fixed cap of 5 updates/s (200 ms), and its own traffic.
  const RATE = 5;
  let r: Harness;
  let k = 0;
  beforeAll(async () => {
    r = await startHarness({ supervisorIntervalMs: 1000 / RATE });
  });
  afterAll(() => r.stop());

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Calls arriving every `everyMs`, the older ones hanging up, agents logging in and pausing. */
  async function traffic(ms: number, everyMs: number, during?: (elapsed: number) => void) {
    const site = r.runtimes.get('44')!;
    const live: string[] = [];
    const start = Date.now();
    let i = 0;
    while (Date.now() - start < ms) {
      const callId = `fl-${++k}`;
      site.dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: '0611223344' });
      live.push(callId);
      if (live.length > 8) site.dispatch({ type: 'callerHungUp', callId: live.shift()! });
      const agentId = `arm-${1 + (i % 4)}`;
      const status = site.state.data.agents[agentId]?.status;
      if (status === 'logged-out') site.dispatch({ type: 'agentLogin', agentId });
      else if (status === 'available') site.dispatch({ type: 'agentPause', agentId, reason: 'test' });
      else if (status === 'paused') site.dispatch({ type: 'agentReady', agentId });
      i++;
      during?.(Date.now() - start);
      await sleep(everyMs);
    }
    return live;
  }
  const hangUpAll = (ids: string[]) => {
    for (const id of ids) r.runtimes.get('44')!.dispatch({ type: 'callerHungUp', callId: id });
  };

  it('two clients of the same site receive the same delta sequence', async () => {
    const [supToken, adminToken] = [await r.token('sup44'), await r.token('admin')];
    const a = r.socket('/supervisor', supToken);
    const b = r.socket('/supervisor', adminToken, { sites: ['44'] });
    const seen = { a: [] as any[], b: [] as any[] };
    a.on('delta', (d: any) => seen.a.push(d));
    b.on('delta', (d: any) => seen.b.push(d));
    const [sa, sb] = await Promise.all([next<any>(a, 'snapshot'), next<any>(b, 'snapshot')]);
    const live = await traffic(1200, 10);
    hangUpAll(live);
    // Everything after both snapshots, until both hold the same last delta.
    const from = Math.max(sa.seq, sb.seq);
    await until(
      () => seen.a.length > 2 && seen.a.at(-1)?.seq === seen.b.at(-1)?.seq && seen.a.at(-1),
      'both clients at the same last delta',
      5000,
    );
    await sleep(500);
    const after = (ds: any[]) => ds.filter((d) => d.seq > from);
    expect(after(seen.a).length).toBeGreaterThan(2);
    // The same messages, in the same order, with the same content: one delta per flush for the room.
    expect(after(seen.b)).toEqual(after(seen.a));
    a.disconnect();
    b.disconnect();
  });

  it('a client connecting mid-traffic applies snapshot + deltas and ends equal to a fresh snapshot', async () => {
    const token = await r.token('sup44');
    const watcher = r.socket('/supervisor', token);
    const early = follow(watcher);
    await next(watcher, 'snapshot');
    let mid: Socket | null = null;
    let midRoom: ReturnType<typeof follow> | null = null;
    let midSnapshot: any = null;
    const live = await traffic(1500, 8, (elapsed) => {
      if (elapsed < 600 || mid) return;
      mid = r.socket('/supervisor', token);
      midRoom = follow(mid);
      mid.once('snapshot', (s: any) => (midSnapshot = s));
    });
    hangUpAll(live.slice(0, 4));
    await until(() => midSnapshot, 'the mid-traffic snapshot');
    await sleep(600);
    // A fresh client, then one more change: every client then applies the same delta, which holds
    // all that changed since the last one (also what the fresh snapshot may already have had).
    const fresh = r.socket('/supervisor', token);
    const freshRoom = follow(fresh);
    const snap = await next<any>(fresh, 'snapshot');
    hangUpAll(live.slice(4));
    await until(
      () => freshRoom.seq > snap.seq && early.seq === freshRoom.seq && midRoom!.seq === freshRoom.seq,
      'all three at the same version',
      5000,
    );
    expect(comparable(midRoom!)).toEqual(comparable(freshRoom));
    expect(comparable(early)).toEqual(comparable(freshRoom));
    expect(freshRoom.calls.size).toBe(0);
    // The mid-traffic client never got a delta its snapshot already held, and got them in order.
    const seqs = midRoom!.deltas.map((d: any) => d.seq);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs[0]).toBeGreaterThan(midSnapshot.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    for (const s of [watcher, mid!, fresh]) s.disconnect();
  });

  it('no client receives more than the cap over a burst, even one asking for snapshots', async () => {
    const token = await r.token('sup44');
    const clients = [0, 1, 2].map(() => r.socket('/supervisor', token));
    const received = clients.map(() => [] as number[]);
    const rooms = clients.map((c) => follow(c));
    await Promise.all(clients.map((c) => next(c, 'snapshot')));
    let resyncSnapshots = 0;
    clients.forEach((c, i) => {
      c.on('delta', () => received[i]!.push(Date.now()));
      c.on('snapshot', () => {
        received[i]!.push(Date.now());
        if (i === 2) resyncSnapshots++;
      });
    });
    const SECONDS = 2;
    const start = Date.now();
    // Heavy traffic (a change every 2 ms); the last client also asks for a snapshot every 20 ms.
    let lastResync = 0;
    const live = await traffic(SECONDS * 1000, 2, (elapsed) => {
      if (elapsed - lastResync >= 20) {
        lastResync = elapsed;
        clients[2]!.emit('resync');
      }
    });
    const end = start + SECONDS * 1000;
    for (const times of received) {
      const inBurst = times.filter((t) => t >= start && t < end).length;
      expect(inBurst).toBeGreaterThanOrEqual(2);
      expect(inBurst).toBeLessThanOrEqual(RATE * SECONDS + 1);
    }
    // The one that asked got snapshots (in place of deltas), and ends like the others.
    expect(resyncSnapshots).toBeGreaterThan(0);
    hangUpAll(live);
    await until(
      () => rooms.every((x) => x.seq === rooms[0]!.seq && x.calls.size === 0),
      'every client settled',
      5000,
    );
    expect(comparable(rooms[2]!)).toEqual(comparable(rooms[0]!));
    for (const c of clients) c.disconnect();
  });
});
