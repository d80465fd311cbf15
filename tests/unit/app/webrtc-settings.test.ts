// serve's WebRTC phone settings: the gateway, the SIP domain, the passwords file; every bad field named.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sipUserOf } from '../../../src/api/routers/agent-phone.js';
import { parseWebRtcSettings } from '../../../src/app/webrtc-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'webrtc-settings-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('parseWebRtcSettings', () => {
  it('is off without SIP_WS_URL (the desk phone)', () => {
    const errors: string[] = [];
    expect(parseWebRtcSettings({}, errors)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('reads the gateway, the domain (default: its host) and the passwords', () => {
    const errors: string[] = [];
    const s = parseWebRtcSettings(
      {
        SIP_WS_URL: 'wss://pbx.example:8089/ws',
        SIP_PASSWORDS_FILE: file('ok.json', '{"arm-1":"s3cret"}'),
      },
      errors,
    );
    expect(errors).toEqual([]);
    expect(s?.wsUrl).toBe('wss://pbx.example:8089/ws');
    expect(s?.domain).toBe('pbx.example');
    expect(s?.passwords.get('arm-1')).toBe('s3cret');
    expect(parseWebRtcSettings({ SIP_WS_URL: 'wss://gw:7443', SIP_DOMAIN: 'sas44.fr' }, [])?.domain).toBe(
      'sas44.fr',
    );
  });

  it('names every bad field', () => {
    const errors: string[] = [];
    parseWebRtcSettings({ SIP_WS_URL: 'https://pbx.example/ws' }, errors);
    parseWebRtcSettings({ SIP_WS_URL: 'wss://pbx', SIP_PASSWORDS_FILE: file('bad.json', '["x"]') }, errors);
    parseWebRtcSettings({ SIP_WS_URL: 'wss://pbx', SIP_PASSWORDS_FILE: join(dir, 'absent.json') }, errors);
    parseWebRtcSettings({ SIP_WS_URL: 'wss://pbx', SIP_DOMAIN: 'a b' }, errors);
    parseWebRtcSettings({ SIP_PASSWORDS_FILE: 'x.json' }, errors);
    expect(errors.map((e) => e.split(':')[0])).toEqual([
      'SIP_WS_URL',
      'SIP_PASSWORDS_FILE (' + join(dir, 'bad.json') + ')',
      'SIP_PASSWORDS_FILE (' + join(dir, 'absent.json') + ')',
      'SIP_DOMAIN',
      'SIP_PASSWORDS_FILE',
    ]);
  });

  it('takes the SIP user from the endpoint', () => {
    expect(sipUserOf({ id: 'a1', endpoint: 'PJSIP/arm-1' })).toBe('arm-1');
    expect(sipUserOf({ id: 'a1', endpoint: 'sofia/internal/arm-2@fs' })).toBe('arm-2');
    expect(sipUserOf({ id: 'a1' })).toBe('a1');
  });
});
