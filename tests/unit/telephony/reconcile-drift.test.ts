// findDrift: what the periodic reconciliation takes for a missed event, on hand-made PBX views.
import { describe, expect, it } from 'vitest';
import type { CallPlan } from '../../../src/core/telephony-plan.js';
import { findDrift, type PbxView } from '../../../src/telephony/ari/reconcile.js';
import type { AriChannelJson } from '../../../src/telephony/ari/ari-rest.js';

const channel = (id: string, appData: string): AriChannelJson => ({
  id,
  name: `PJSIP/${id}`,
  state: 'Up',
  caller: { name: '', number: '' },
  dialplan: { context: 'x', exten: 's', app_name: 'Stasis', app_data: appData },
});
const plan = (over: Partial<CallPlan> = {}): CallPlan => ({
  callId: 'c1',
  direction: 'inbound',
  line: '15',
  agents: ['arm-1'],
  ring: null,
  hold: null,
  ...over,
});
const kinds = (plans: CallPlan[], pbx: PbxView, ended: string[] = []) =>
  [...findDrift(plans, pbx, 'sasacd', (id) => ended.includes(id)).values()].map((d) => d.kind).sort();

describe('findDrift', () => {
  const caller = channel('c1', 'sasacd,15');
  const leg = channel('l1', 'sasacd,agent,arm-1,c1');

  it('sees nothing when the caller and its agent share the call bridge', () => {
    const pbx = {
      channels: [caller, leg],
      bridges: [{ id: 'b', name: 'call-c1', bridge_type: 'mixing', channels: ['c1', 'l1'] }],
    };
    expect(kinds([plan()], pbx)).toEqual([]);
  });

  it('names an agent connected in the engine whose leg is not in the caller bridge', () => {
    const pbx = {
      channels: [caller, leg],
      bridges: [{ id: 'q', name: 'queue-n1', bridge_type: 'holding', channels: ['c1'] }],
    };
    expect(kinds([plan()], pbx)).toEqual(['leg-unbridged']);
  });

  it('names a caller gone, a leg gone, a stray leg, an ended caller and an unknown caller', () => {
    expect(kinds([plan()], { channels: [], bridges: [] })).toEqual(['caller-gone']);
    expect(kinds([plan()], { channels: [caller], bridges: [] })).toEqual(['leg-gone']);
    const stray = channel('l9', 'sasacd,agent,arm-9,c1');
    const other = channel('c2', 'sasacd,15');
    const gone = channel('c3', 'sasacd,15');
    const pbx = {
      channels: [caller, leg, stray, other, gone],
      bridges: [{ id: 'b', name: 'call-c1', bridge_type: 'mixing', channels: ['c1', 'l1'] }],
    };
    expect(kinds([plan()], pbx, ['c3'])).toEqual(['ended-caller', 'stray-leg', 'unknown-caller']);
  });

  it('ignores channels of other applications and the dialplan', () => {
    const foreign = channel('x1', 'otherapp,15');
    const pbx = {
      channels: [caller, leg, foreign],
      bridges: [{ id: 'b', name: 'call-c1', bridge_type: 'mixing', channels: ['c1', 'l1'] }],
    };
    expect(kinds([plan()], pbx)).toEqual([]);
  });
});
