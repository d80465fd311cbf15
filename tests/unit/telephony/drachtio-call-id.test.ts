// The engine's id of a FreeSWITCH call, made from the caller's SIP Call-ID: always an id the API
// takes in a path, and never the same for two different Call-IDs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callParams } from '../../../src/api/params.js';
import { engineCallId } from '../../../src/telephony/drachtio/call-id.js';

const accepted = (callId: string) => callParams.safeParse({ siteId: '44', callId }).success;

describe('engineCallId', () => {
  it('keeps a Call-ID readable and makes it an id the API accepts', () => {
    expect(engineCallId('a84b4c76e66710@pc33.atlanta.com')).toBe('fs-a84b4c76e66710_40pc33.atlanta.com');
    expect(accepted(engineCallId('a84b4c76e66710@pc33.atlanta.com'))).toBe(true);
    expect(accepted(engineCallId('_x/+=%!~é'))).toBe(true);
    expect(accepted(engineCallId('x'.repeat(500)))).toBe(true);
  });

  it('never gives two Call-IDs the same id (the escape itself is escaped)', () => {
    expect(engineCallId('a@b')).not.toBe(engineCallId('a_40b'));
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (a, b) => {
        fc.pre(a !== b);
        expect(engineCallId(a)).not.toBe(engineCallId(b));
        expect(accepted(engineCallId(a))).toBe(true);
      }),
    );
  });
});
