// Conformance: every recorded Asterisk 22 scenario replayed against sim-pbx passes, or its
// divergences are accepted (with why) in simulator/pbx/README.md. And the runner can fail.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAccepted } from '../../../simulator/pbx/conformance/accepted.js';
import { DEFAULT_README, runConformance } from '../../../simulator/pbx/conformance/run.js';

// The recorded traces, copied into the repository (data only) so the tests run from any clone; the
// reference set beside the repository (../shared), when there is one, is replayed too.
const TRACES = join(process.cwd(), 'tests', 'fixtures', 'asterisk-22', 'traces');
const SHARED_TRACES = join(process.cwd(), '..', 'shared', 'asterisk-22', 'traces');

describe('sim-pbx conformance with the recorded traces', () => {
  it('passes every scenario (divergences only where the README accepts them)', async () => {
    const report = await runConformance({ tracesDir: TRACES });
    const open = Object.entries(report.scenarios).flatMap(([name, s]) =>
      s.divergences
        .filter((d) => !d.accepted)
        .map(
          (d) => `${name}: ${d.code} (asterisk ${JSON.stringify(d.asterisk)}, sim ${JSON.stringify(d.sim)})`,
        ),
    );
    expect(open).toEqual([]);
    expect(Object.keys(report.scenarios).length).toBeGreaterThanOrEqual(11);
    expect(Object.values(report.scenarios).every((s) => s.passed)).toBe(true);

    // and the README accepts nothing that does not happen
    const accepted = parseAccepted(readFileSync(DEFAULT_README, 'utf8'));
    const unused = accepted.filter(
      (a) =>
        !Object.entries(report.scenarios).some(
          ([name, s]) =>
            (a.scenario === null || a.scenario === name) && s.divergences.some((d) => a.pattern.test(d.code)),
        ),
    );
    expect(unused.map((a) => a.source)).toEqual([]);
  }, 60_000);

  it('fails a scenario whose recording disagrees with sim-pbx', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-pbx-traces-'));
    const trace = JSON.parse(readFileSync(join(TRACES, 'agent-no-answer.json'), 'utf8')) as {
      events: Record<string, unknown>[];
      requests: Record<string, unknown>[];
    };
    // pretend Asterisk sent a final Dial NOANSWER and answered the late GET with 200
    const destroyed = trace.events.find((e) => e.type === 'ChannelDestroyed')!;
    trace.events.push({
      ...destroyed,
      type: 'Dial',
      dialstatus: 'NOANSWER',
      peer: destroyed.channel,
      channel: undefined,
    });
    const get = trace.requests.find((r) => r.status === 404)!;
    get.status = 200;
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify({ ...trace, scenario: 'tampered' }));
    const report = await runConformance({ tracesDir: dir });
    const s = report.scenarios.tampered!;
    expect(s.passed).toBe(false);
    const codes = s.divergences.filter((d) => !d.accepted).map((d) => d.code);
    expect(codes).toContain('missing-event Dial NOANSWER PJSIP/arm-1#0');
    expect(codes).toContain('status GET /ari/channels/{id}');
  }, 30_000);

  it('names the file and the problem for a malformed trace, and runs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-pbx-bad-'));
    writeFileSync(join(dir, 'a-good.json'), readFileSync(join(TRACES, 'inbound-hold.json')));
    writeFileSync(join(dir, 'b-broken.json'), '{"scenario": "x", ');
    await expect(runConformance({ tracesDir: dir })).rejects.toThrow(
      /b-broken\.json: not a readable JSON file/,
    );

    writeFileSync(
      join(dir, 'b-broken.json'),
      JSON.stringify({ scenario: 'x', far_end: { c: { role: 'caller' } }, requests: [], events: [] }),
    );
    await expect(runConformance({ tracesDir: dir })).rejects.toThrow(
      /b-broken\.json: not a trace: far_end\.c: a caller needs "dials"/,
    );

    writeFileSync(
      join(dir, 'b-broken.json'),
      JSON.stringify({ scenario: 'x', far_end: {}, requests: [{ t_ms: 1 }], events: [] }),
    );
    await expect(runConformance({ tracesDir: dir })).rejects.toThrow(
      /b-broken\.json: not a trace: requests\.0\.method/,
    );

    await expect(runConformance({ tracesDir: join(dir, 'nope') })).rejects.toThrow(
      /cannot read the traces folder/,
    );
    const empty = mkdtempSync(join(tmpdir(), 'sim-pbx-empty-'));
    await expect(runConformance({ tracesDir: empty })).rejects.toThrow(/no \*\.json trace files/);
  });

  it('reads accepted divergences with their reasons from the README', () => {
    const list = parseAccepted(
      '# x\n## Accepted divergences\n- `field Dial peer.state` — races\n- `errors: status * /ari/recordings/*` — not simulated\n## Other\n- `nope` — no',
    );
    expect(list.map((a) => [a.scenario, a.source])).toEqual([
      [null, 'field Dial peer.state'],
      ['errors', 'errors: status * /ari/recordings/*'],
    ]);
    expect(list[1]!.pattern.test('status GET /ari/recordings/live/x')).toBe(true);
    expect(() => parseAccepted('## Accepted divergences\n- `x`\n')).toThrow(/gives no reason/);
  });
});

describe.skipIf(!existsSync(SHARED_TRACES))(
  'sim-pbx conformance with the reference traces in ../shared (skipped: no ../shared beside the repository)',
  () => {
    it('passes every scenario of ../shared (divergences only where the README accepts them)', async () => {
      const report = await runConformance({ tracesDir: SHARED_TRACES });
      const open = Object.values(report.scenarios).flatMap((s) => s.divergences.filter((d) => !d.accepted));
      expect(open).toEqual([]);
      expect(Object.values(report.scenarios).every((s) => s.passed)).toBe(true);
    }, 60_000);
  },
);
