// What a REFER's NOTIFY says, and the id of a caller back from a partner that refused it.
import { describe, expect, it } from 'vitest';
import { engineCallId, returnedCallId } from '../../../src/telephony/drachtio/call-id.js';
import { sipfragStatus } from '../../../src/telephony/drachtio/refer.js';

describe('a REFER NOTIFY body (message/sipfrag)', () => {
  it('gives the status of its status line, or null', () => {
    expect(sipfragStatus('SIP/2.0 403 Forbidden\r\n')).toBe(403); // FreeSWITCH, one-legged call
    expect(sipfragStatus('SIP/2.0 100 Trying\r\n')).toBe(100);
    expect(sipfragStatus('SIP/2.0 200 OK')).toBe(200);
    expect(sipfragStatus('')).toBeNull();
    expect(sipfragStatus(undefined)).toBeNull();
    expect(sipfragStatus('garbage 200')).toBeNull();
  });
});

describe('the id of a caller back from a partner', () => {
  it('counts up and never meets an id made from a SIP Call-ID', () => {
    const id = engineCallId('a_r1@host');
    expect(id).toBe('fs-a_5fr1_40host');
    expect(returnedCallId(id)).toBe(`${id}_r1`);
    expect(returnedCallId(`${id}_r1`)).toBe(`${id}_r2`);
    expect(returnedCallId(id, (x) => x === `${id}_r1`)).toBe(`${id}_r2`);
    // engineCallId escapes "_" itself: "_r" only ever comes from returnedCallId.
    for (const raw of ['x_r1', 'x_r', '_r2@h']) expect(engineCallId(raw)).not.toMatch(/_r\d*$/);
  });
});
