// The LRM link's settings for `sas-acd serve`: optional, and every bad field named.
import { describe, expect, it } from 'vitest';
import { parseLrmSettings } from '../../../src/lrm/lrm-settings.js';

describe('LRM settings', () => {
  it('none without a URL; both targets when given', () => {
    const none: string[] = [];
    expect(parseLrmSettings({}, none)).toBeUndefined();
    expect(none).toEqual([]);
    const errors: string[] = [];
    const s = parseLrmSettings(
      {
        LRM_WEBHOOK_URL: 'https://lrm.example/acd',
        LRM_WEBHOOK_SECRET: 'a-secret-of-16-chars',
        HUB_SANTE_URL: 'https://hub.example/in',
        HUB_SANTE_SECRET: 'another-secret-16chars',
        HUB_SANTE_ORGANIZATION: 'fr.health.samu440',
        HUB_SANTE_STATUS: 'Exercise',
      },
      errors,
    );
    expect(errors).toEqual([]);
    expect(s).toMatchObject({
      webhook: { url: 'https://lrm.example/acd' },
      hub: { organization: 'fr.health.samu440', recipient: 'fr.health.samu440.lrm', status: 'Exercise' },
    });
  });

  it('names every bad field', () => {
    const errors: string[] = [];
    parseLrmSettings(
      {
        LRM_WEBHOOK_URL: 'ftp://x',
        LRM_WEBHOOK_SECRET: 'short',
        HUB_SANTE_URL: 'https://h',
        HUB_SANTE_STATUS: 'x',
      },
      errors,
    );
    expect(errors.map((e) => e.split(':')[0])).toEqual([
      'LRM_WEBHOOK_URL',
      'LRM_WEBHOOK_SECRET',
      'HUB_SANTE_SECRET',
      'HUB_SANTE_ORGANIZATION',
      'HUB_SANTE_STATUS',
    ]);
  });
});
