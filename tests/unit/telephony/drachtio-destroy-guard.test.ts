// drachtio-fsmrf destroys a dialog without a catch when FreeSWITCH's event socket is late
// (libs.ts): with the drachtio socket already gone that rejection must not go unhandled (on Node 20
// it would end the ACD process), while a caller that awaits destroy() still sees the error.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { SrfDialogCtor } from '../../../src/telephony/drachtio/libs.js';

type Callback = (err: Error | null, msg?: unknown) => void;

/** A real drachtio-srf Dialog's destroy() on a dialog whose drachtio socket is destroyed. */
function dialogOnADeadSocket(): { destroy(): Promise<unknown> } {
  const d = Object.create(SrfDialogCtor.prototype as object) as EventEmitter & Record<string, unknown>;
  EventEmitter.call(d);
  Object.assign(d, {
    req: { method: 'INVITE', socket: { destroyed: true } }, // dialogType and socket read these
    res: { stackDialogId: 'dlg-1' },
    srf: { removeDialog: () => undefined },
    agent: {
      // what DrachtioAgent.request answers for a destroyed socket (drachtio-agent.js)
      request: (_opts: unknown, cb: Callback) =>
        cb(Object.assign(new Error('provided socket has been destroyed'), { code: 'ESOCKETDESTROYED' })),
    },
  });
  return d as unknown as { destroy(): Promise<unknown> };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe("drachtio-srf dialog destroy() on a dead socket (fsmrf's endpoint timeout)", () => {
  it('leaves no unhandled rejection when nobody awaits it', async () => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    void dialogOnADeadSocket().destroy(); // as fsmrf's timeoutFn does
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  });

  it('still rejects for a caller that awaits it', async () => {
    await expect(dialogOnADeadSocket().destroy()).rejects.toMatchObject({ code: 'ESOCKETDESTROYED' });
  });
});
