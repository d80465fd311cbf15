// After `outcome-unknown`, the caller asks whether its command was decided (src/shell/command-outcome.ts):
// a command sent while no process writes the site is answered `outcome-unknown` after the reply
// timeout, naming the command; it is `not-yet` decided while it waits in the commands stream, and
// `decided` once a writer has come and applied it — exactly once, its event carrying the id.
import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { commandIdOf, commandOutcome } from '../../../src/shell/command-outcome.js';
import { sendCommand } from '../../../src/store/commands.js';
import { connect, freshSiteId, startSite, stopAll, waitFor } from './fixtures/site.js';
import { readStream } from './fixtures/stream.js';
import { childConfig } from './fixtures/traffic.js';

afterAll(stopAll);

describe('a command answered outcome-unknown', () => {
  it('names its command, which is not-yet decided, then decided once a writer applies it, once', async () => {
    const config = childConfig(freshSiteId());
    // A process that never writes (no lease taken), with a short reply timeout.
    const client = await startSite({ config, writer: false, replyTimeoutMs: 300 });
    const result = await client.dispatch({
      type: 'arriveCall',
      callId: 'c-outcome-1',
      line: '15',
      callerNumber: '0611111111',
      callerName: null,
    });
    expect(result).toMatchObject({ ok: false, reason: 'outcome-unknown' });
    const id = commandIdOf(result);
    expect(id).toEqual(expect.any(String));
    expect(await client.commandOutcome(id!)).toBe('not-yet');
    // Any other result names no command.
    expect(commandIdOf({ ok: false, reason: 'unknown-call', message: 'x' })).toBeNull();

    // A writer comes: it reads the command from the stream and applies it.
    await startSite({ config });
    await waitFor(async () => (await client.commandOutcome(id!)) === 'decided', 20_000);
    const entries = await readStream(config.id);
    const arrived = entries.filter(
      (e) => e.event.type === 'CallArrived' && (e.event as { callId?: string }).callId === 'c-outcome-1',
    );
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.cmd).toBe(id);
  }, 60_000);

  it('is found waiting deep in the stream (the store script reads it page by page), unknown if never sent', async () => {
    const siteId = freshSiteId();
    const redis = connect();
    // No writer at all: 1,200 commands wait, more than two of the script's pages (500).
    const ids: string[] = [];
    for (let i = 0; i < 1200; i++)
      ids.push((await sendCommand(redis, siteId, { type: 'engine', n: i }, randomUUID())).id);
    expect(await commandOutcome(redis, siteId, ids[0]!)).toBe('not-yet');
    expect(await commandOutcome(redis, siteId, ids[1100]!)).toBe('not-yet');
    expect(await commandOutcome(redis, siteId, randomUUID())).toBe('unknown');
  }, 60_000);
});
