// A seat whose panel is gone (tab closed, crash) is logged out after a grace period, so that no call
// is offered to a seat nobody sits at; a panel back within the grace (reload) keeps it; a seat on a
// call is never logged out under the caller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seatGraceMs: 400 });
});
afterAll(() => h.stop());

const status = (id: string) => h.runtimes.get('44')!.state.data.agents[id]!.status;
const connected = (s: { connected: boolean }) =>
  new Promise<void>((resolve) => {
    const check = () => (s.connected ? resolve() : setTimeout(check, 10));
    check();
  });
const until = async (probe: () => boolean, what: string, ms = 5000) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('seat grace after the last panel is gone', () => {
  it('logs the seat out once the grace has passed with no panel back', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm2' });
    const panel = h.socket('/agent', await h.token('arm2'));
    await connected(panel);
    panel.disconnect();
    await new Promise((r) => setTimeout(r, 200));
    expect(status('arm-2')).toBe('available'); // still within the grace
    await until(() => status('arm-2') === 'logged-out', 'seat logged out');
  });

  it('keeps the seat when a panel comes back within the grace (a reload)', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm5' });
    const first = h.socket('/agent', await h.token('arm5'));
    await connected(first);
    first.disconnect();
    const again = h.socket('/agent', await h.token('arm5'));
    await connected(again);
    await new Promise((r) => setTimeout(r, 800));
    expect(status('arm-5')).toBe('available');
    again.disconnect();
  });

  it('never logs out a seat on a call: the caller is not cut', async () => {
    await h.call('POST', '/sites/44/agent/login', { as: 'arm1' });
    const panel = h.socket('/agent', await h.token('arm1'));
    await connected(panel);
    await h.runtimes
      .get('44')!
      .dispatch({ type: 'arriveCall', callId: 'g1', line: '15', callerNumber: null });
    await until(() => ['offered', 'on-call'].includes(status('arm-1')), 'offered to arm-1');
    if (status('arm-1') === 'offered')
      expect(
        (await h.runtimes.get('44')!.dispatch({ type: 'answerOffer', callId: 'g1', agentId: 'arm-1' })).ok,
      ).toBe(true);
    panel.disconnect();
    await new Promise((r) => setTimeout(r, 800));
    expect(status('arm-1')).toBe('on-call');
  });
});
