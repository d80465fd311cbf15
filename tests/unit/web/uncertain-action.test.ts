// The panel's words after a 503 outcome-unknown (web/src/panel/uncertain-action.ts): it asks the
// command's status at most `tries` times, and says "traitée" only on `decided`. The HTTP route it
// asks is tested against a real redis-server in tests/integration/stored-site/api-command-status.test.ts.
import { describe, expect, it } from 'vitest';
import { settleUncertain, type CommandStatus } from '../../../web/src/panel/uncertain-action.js';

function asker(answers: (CommandStatus | Error)[]) {
  const asked: number[] = [];
  const ask = () => {
    asked.push(asked.length);
    const a = answers[asked.length - 1] ?? 'not-yet';
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  };
  return { ask, asked };
}
const waits: number[] = [];
const wait = (ms: number) => {
  waits.push(ms);
  return Promise.resolve();
};

describe('after outcome-unknown, the panel', () => {
  it('says the action was handled once the server has decided it (second try)', async () => {
    const { ask, asked } = asker(['not-yet', 'decided']);
    expect(await settleUncertain(ask, wait, { tries: 2, gapMs: 1500 })).toMatch(/^Action traitée/);
    expect(asked).toHaveLength(2);
    expect(waits.at(-1)).toBe(1500);
  });

  it('stays uncertain when still not decided, asking no more than twice', async () => {
    const { ask, asked } = asker(['not-yet', 'not-yet', 'decided']);
    expect(await settleUncertain(ask, wait)).toMatch(/^Action peut-être non appliquée/);
    expect(asked).toHaveLength(2);
  });

  it('stays uncertain, without asking again, for an unknown id or a failed request', async () => {
    const unknown = asker(['unknown', 'decided']);
    expect(await settleUncertain(unknown.ask, wait)).toMatch(/^Action peut-être non appliquée/);
    expect(unknown.asked).toHaveLength(1);
    const failed = asker([new Error('503'), 'decided']);
    expect(await settleUncertain(failed.ask, wait)).toMatch(/^Action peut-être non appliquée/);
    expect(failed.asked).toHaveLength(1);
  });
});
