// The site's recording switch: off unless turned on, validated like the rest of the configuration
// (a bad value is refused with its path, and nothing is half-applied).
import { describe, expect, it } from 'vitest';
import { parseSiteConfig } from '../../../src/core/config.js';
import { recordingRetentionDays, recordsCalls } from '../../../src/core/recording-config.js';
import { exampleSite } from '../../../src/core/example-site.js';

const withRecording = (recording: unknown) => parseSiteConfig({ ...structuredClone(exampleSite), recording });

describe('recording switch of the site configuration', () => {
  it('is off when absent', () => {
    const parsed = parseSiteConfig(structuredClone(exampleSite));
    expect(parsed.ok && recordsCalls(parsed.config)).toBe(false);
  });

  it('defaults to off, in wav, when given empty', () => {
    const parsed = withRecording({});
    expect(parsed.ok && parsed.config.recording).toEqual({ enabled: false, format: 'wav' });
    expect(parsed.ok && recordsCalls(parsed.config)).toBe(false);
  });

  it('is on when enabled, with the format asked', () => {
    const parsed = withRecording({ enabled: true, format: 'gsm' });
    expect(parsed.ok && parsed.config.recording).toEqual({ enabled: true, format: 'gsm' });
    expect(parsed.ok && recordsCalls(parsed.config)).toBe(true);
  });

  it('keeps recordings 90 days unless the site says otherwise', () => {
    const parsed = withRecording({ enabled: true });
    expect(parsed.ok && recordingRetentionDays(parsed.config)).toBe(90);
    const set = withRecording({ enabled: true, retentionDays: 30 });
    expect(set.ok && recordingRetentionDays(set.config)).toBe(30);
  });

  it.each([
    [{ enabled: true, retentionDays: 0 }, 'recording.retentionDays'],
    [{ enabled: true, retentionDays: 1.5 }, 'recording.retentionDays'],
    [{ enabled: 'yes' }, 'recording.enabled'],
    [{ enabled: true, format: 'flac' }, 'recording.format'],
    [{ enabled: true, dir: '/tmp' }, 'recording'],
    [true, 'recording'],
  ])('refuses %j, naming %s', (recording, path) => {
    const parsed = withRecording(recording);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.some((e) => e.startsWith(`${path}:`))).toBe(true);
  });
});
