import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sendCommand } from '../../../src/store/commands.js';
import { siteKeys } from '../../../src/store/keys.js';
import { applyEvent } from '../../../src/store/reducer.js';
import { recover } from '../../../src/store/recover.js';
import { handleLedger, isLedgerEvent, ledger, type LedgerCommand } from './fixtures/ledger.js';
import { startLedgerTail, startLedgerWriter, stopAllWriters } from './fixtures/ledger-writer.js';
import { closeAll, connect, freshSite, redisUrl, waitFor } from './fixtures/redis.js';

afterEach(stopAllWriters);
afterAll(closeAll);

const commandArb: fc.Arbitrary<LedgerCommand> = fc.oneof(
  fc.record({
    type: fc.constant('deposit' as const),
    account: fc.constantFrom('a', 'b'),
    amount: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    type: fc.constant('transfer' as const),
    from: fc.constantFrom('a', 'b'),
    to: fc.constantFrom('a', 'b', 'c'),
    amount: fc.integer({ min: 1, max: 50 }),
  }),
);

describe('site writer', () => {
  it('persists what the commands decide, and recovery across snapshots and trims rebuilds it', async () => {
    const redis = connect();
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 30 }), async (commands) => {
        const site = freshSite();
        // Small snapshot interval so that recovery crosses snapshots and trims.
        const writer = startLedgerWriter(redisUrl(), site, {
          snapshotEveryEvents: 7,
          eventRetentionMs: 0,
          blockMs: 50,
        });
        let expected = ledger.initial();
        for (const command of commands) {
          await sendCommand(redis, site, command);
          for (const event of handleLedger(expected, command).events)
            expected = applyEvent(ledger, expected, event);
        }
        await waitFor(() => writer.state?.count === expected.count);
        expect(writer.state).toEqual(expected);
        await writer.stop(); // waits for the last append
        const recovered = await recover(redis, { site, reducer: ledger, isKnownEvent: isLedgerEvent });
        expect(recovered.state).toEqual(expected);
      }),
      { numRuns: 8 },
    );
  });

  it('acknowledges every command it persisted, leaves nothing pending, and a tail follows it', async () => {
    const redis = connect();
    const site = freshSite();
    const writer = startLedgerWriter(redisUrl(), site);
    const tail = startLedgerTail(redisUrl(), site);
    for (let i = 0; i < 50; i++) await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 1 });
    await waitFor(() => writer.state?.balances.a === 50);
    await waitFor(
      async () => ((await redis.xpending(siteKeys(site).commands, 'writers')) as [number])[0] === 0,
    );
    expect(await redis.xlen(siteKeys(site).events)).toBe(50);
    await tail.caughtUp(writer.lastId);
    expect(tail.state).toEqual(writer.state);
  });

  it('recognises a command id sent twice by its producer and processes it once', async () => {
    const redis = connect();
    const site = freshSite();
    const writer = startLedgerWriter(redisUrl(), site);
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 5 }, 'same-id');
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 5 }, 'same-id');
    await waitFor(() => writer.role === 'leader');
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 5 }, 'same-id');
    await sendCommand(redis, site, { type: 'deposit', account: 'b', amount: 1 }, 'other-id');
    await waitFor(() => writer.state?.balances.b === 1);
    expect(writer.state?.balances.a).toBe(5);
    await waitFor(async () => (await redis.xlen(siteKeys(site).events)) >= 2);
    expect(await redis.xlen(siteKeys(site).events)).toBe(2);
  });

  it('rejects a command the parser refuses, records it as processed and goes on', async () => {
    const redis = connect();
    const site = freshSite();
    const errors: string[] = [];
    const writer = startLedgerWriter(redisUrl(), site, {
      parseCommand: (raw) => {
        if ((raw as { amount?: number }).amount === 0) throw new Error('amount must be positive');
        return raw as LedgerCommand;
      },
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (_data, message) => errors.push(message),
      },
    });
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 0 } as never);
    await redis.xadd(siteKeys(site).commands, '*', 'id', 'broken', 'command', '{oops');
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 2 });
    await waitFor(() => writer.state?.balances.a === 2);
    expect(errors).toEqual(['command rejected', 'unreadable command acknowledged']);
  });

  it('hands over at once on a clean stop, and the successor goes on from the same state', async () => {
    const redis = connect();
    const site = freshSite();
    const first = startLedgerWriter(redisUrl(), site);
    const second = startLedgerWriter(redisUrl(), site);
    await waitFor(() => first.role === 'leader' || second.role === 'leader');
    const [leader, standby] = first.role === 'leader' ? [first, second] : [second, first];
    expect(standby.role).toBe('standby');
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 3 });
    await waitFor(() => leader.state?.balances.a === 3);
    const stoppedAt = Date.now();
    await leader.stop();
    await waitFor(() => standby.role === 'leader');
    expect(Date.now() - stoppedAt).toBeLessThan(1_500);
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 4 });
    await waitFor(() => standby.state?.balances.a === 7);
    expect(standby.epoch).toBe(2);
  });

  it('trims the acknowledged commands and the events a snapshot covers', async () => {
    const redis = connect();
    const site = freshSite();
    const writer = startLedgerWriter(redisUrl(), site, { snapshotEveryEvents: 10, eventRetentionMs: 0 });
    for (let i = 0; i < 25; i++) await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 1 });
    await waitFor(() => writer.state?.balances.a === 25);
    await writer.stop(); // saves a last snapshot
    expect(await redis.xlen(siteKeys(site).commands)).toBeLessThanOrEqual(1);
    const recovered = await recover(redis, { site, reducer: ledger, isKnownEvent: isLedgerEvent });
    expect(recovered.state.balances.a).toBe(25);
    // Trimmed by MINID at the snapshot: what remains is at most the events of the snapshot's last
    // millisecond (several may share it on a busy machine), never anything older.
    const snapshotMs = Number(recovered.snapshotId!.split('-')[0]);
    const left = await redis.xrange(siteKeys(site).events, '-', '+');
    expect(left.length).toBeLessThan(10);
    expect(left.every(([id]) => Number(id.split('-')[0]) >= snapshotMs)).toBe(true);
  });

  it('rejects a command whose handling yields an event recovery would refuse, keeping the stream clean', async () => {
    const redis = connect();
    const site = freshSite();
    const errors: string[] = [];
    const writer = startLedgerWriter(redisUrl(), site, {
      handle: (state, command) =>
        command.type === 'deposit' && command.amount === 13
          ? { events: [{ type: 'Unlucky' } as never] }
          : handleLedger(state, command),
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (_data, message) => errors.push(message),
      },
    });
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 13 });
    await sendCommand(redis, site, { type: 'deposit', account: 'a', amount: 2 });
    await waitFor(async () => (await redis.xlen(siteKeys(site).events)) >= 1);
    await writer.stop();
    expect(errors).toEqual(['command rejected']);
    const recovered = await recover(redis, { site, reducer: ledger, isKnownEvent: isLedgerEvent });
    expect(recovered.state.balances).toEqual({ a: 2 });
  });
  it('says, when it loses its lease to a stalled event loop, the longest gap between its renewals', async () => {
    const site = freshSite();
    const warnings: { data: Record<string, unknown>; message: string }[] = [];
    const logger = {
      info: () => undefined,
      error: () => undefined,
      warn: (data: object, message: string) =>
        void warnings.push({ data: data as Record<string, unknown>, message }),
    };
    const roles: string[] = [];
    const writer = startLedgerWriter(redisUrl(), site, {
      leaseTtlMs: 600,
      renewEveryMs: 200,
      logger,
      onRoleChange: (role) => void roles.push(role),
    });
    await waitFor(() => writer.role === 'leader');
    // The process stalls (a long synchronous job) for longer than the lease lives.
    const until = performance.now() + 1_500;
    while (performance.now() < until) {
      // busy: no timer, no renewal, no Redis reply is handled meanwhile
    }
    await waitFor(() => warnings.some((w) => w.message.startsWith('lease lost')));
    const lost = warnings.find((w) => w.message.startsWith('lease lost'))!;
    // The stall shows as a gap between renewals far above their 200 ms period.
    expect(lost.data.longestRenewalGapMs).toBeGreaterThanOrEqual(1_400);
    expect(typeof lost.data.longestRenewalRoundTripMs).toBe('number');
    expect(roles).toContain('standby');
  });
});
