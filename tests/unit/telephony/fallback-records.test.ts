// The fallback's records: the key the dialplan writes (asterisk-config/extensions.conf), the one
// sim-pbx writes, and keys recorded on Asterisk 22.10.1 are all read the same way; anything else
// is refused (never a wrong count).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fallbackCommand, parseFallbackKey } from '../../../src/telephony/ari/fallback-records.js';
import { fallbackAbandonKey, fallbackRecordKey } from '../../../simulator/pbx/astdb.js';

const dialplan = readFileSync(new URL('../../../asterisk-config/extensions.conf', import.meta.url), 'utf8');

/** The lines of one context of extensions.conf. */
function context(name: string): string[] {
  const from = dialplan.indexOf(`\n[${name}]\n`);
  expect(from, name).toBeGreaterThan(0);
  const body = dialplan.slice(from + name.length + 4);
  return body.slice(0, body.search(/\n\[|$/)).split('\n');
}

describe('the dialplan fallback marks what its group answers', () => {
  it('passes the caller, line, arrival and options to the answering phone, which writes one key', () => {
    const dial = context('sasacd-fallback').find((l) => l.includes('Dial('))!;
    expect(dial).toContain(
      'U(sasacd-fallback-answered^${UNIQUEID}^${SASACD_LINE}^${SASACD_ARRIVED_MS}^${SASACD_ARGS}^${SASACD_APP})',
    );
    expect(context('sasacd-entry').join('\n')).toContain('Set(SASACD_ARRIVED_MS=${STRFTIME(,,%s%3q)})');
    const write = context('sasacd-fallback-answered')[0]!;
    // Six fields joined by ':' in the order the parser reads, text URI-encoded.
    expect(write).toContain(
      'Set(DB(${ARG5}-fallback/${ARG1}:${URIENCODE(${ARG2})}:${ARG3}:${STRFTIME(,,%s%3q)}:' +
        '${URIENCODE(${CHANNEL(endpoint)})}:${URIENCODE(${ARG4})})=1)',
    );
    const reader = context('sasacd-fallback-reader').join('\n');
    expect(reader).toContain(
      '${DB_DELETE(${SASACD_FALLBACK_FAMILY}/${CUT(SASACD_FALLBACK_COUNTED,|,${i})})}',
    );
    expect(reader).toMatch(/Wait\(10\)/);
  });

  it('reads the keys Asterisk 22.10.1 wrote in the lab, and those sim-pbx writes', () => {
    // Recorded with `database show sasacd-fallback` on the lab build (issue 19).
    expect(parseFallbackKey('1796632526.6:15:1796632526717:1796632528234:load-agent-1:')).toEqual({
      key: '1796632526.6:15:1796632526717:1796632528234:load-agent-1:',
      callId: '1796632526.6',
      line: '15',
      arrivedAt: 1796632526717,
      answeredAt: 1796632528234,
      phone: 'load-agent-1',
      args: [],
    });
    const partner = parseFallbackKey('1796632526.8:15:1796632526854:1796632528406:load-agent-1:origin%3D85')!;
    expect(fallbackCommand(partner)).toEqual({
      type: 'recordFallbackCall',
      callId: '1796632526.8',
      line: '15',
      arrivedAt: 1796632526854,
      answeredAt: 1796632528406,
      phone: 'load-agent-1',
      originSite: '85',
    });
    const sim = fallbackRecordKey({
      channelId: '1796634273.6',
      line: 'sdis',
      arrivedMs: 1000,
      answeredMs: 4000,
      phone: 'secours-1',
      args: 'queue=n2-amu',
    });
    expect(parseFallbackKey(sim)).toMatchObject({
      callId: '1796634273.6',
      line: 'sdis',
      args: ['queue=n2-amu'],
    });
  });

  it('reads an abandon record ([sasacd-fallback-abandoned], and sim-pbx) as a fallback abandon', () => {
    const key = '1796632526.9:15:1796632526717:abandoned-1796632531000::origin%3D85';
    expect(parseFallbackKey(key)).toEqual({
      key,
      callId: '1796632526.9',
      line: '15',
      arrivedAt: 1796632526717,
      abandonedAt: 1796632531000,
      args: ['origin=85'],
    });
    expect(fallbackCommand(parseFallbackKey(key)!)).toEqual({
      type: 'recordFallbackAbandon',
      callId: '1796632526.9',
      line: '15',
      arrivedAt: 1796632526717,
      abandonedAt: 1796632531000,
      originSite: '85',
    });
    const sim = fallbackAbandonKey({
      channelId: '17.2',
      line: '15',
      arrivedMs: 1000,
      hungUpMs: 3000,
      args: '',
    });
    expect(parseFallbackKey(sim)).toMatchObject({ callId: '17.2', arrivedAt: 1000, abandonedAt: 3000 });
    expect(parseFallbackKey('17.2:15:1000:abandoned-x::')).toBeNull();
    expect(parseFallbackKey('17.2:15:1000:abandoned-3000:arm-1:')).toBeNull(); // a phone: not an abandon
    expect(context('sasacd-fallback-abandoned').join('\n')).toContain(
      'Set(DB(${SASACD_APP}-fallback/${UNIQUEID}:${URIENCODE(${SASACD_LINE})}:${SASACD_ARRIVED_MS}:abandoned-${STRFTIME(,,%s%3q)}::${URIENCODE(${SASACD_ARGS})})=1)',
    );
  });

  it('times a call from its answer when its arrival is missing, and refuses anything else', () => {
    expect(parseFallbackKey('17.1:15::5000:arm-1:')).toMatchObject({ arrivedAt: 5000, answeredAt: 5000 });
    for (const bad of [
      '',
      'just-a-key',
      '17.1:15:1000:2000:arm-1', // five fields
      '17.1:15:1000:2000:arm-1::extra',
      '17.1::1000:2000:arm-1:', // no line
      '17.1:15:1000:later:arm-1:',
      '17.1:15:-5:2000:arm-1:',
      '17 1:15:1000:2000:arm-1:', // not a channel id
      '17.1:%E0%A4%A:1000:2000:arm-1:', // broken escape
    ])
      expect(parseFallbackKey(bad), bad).toBeNull();
  });
});
