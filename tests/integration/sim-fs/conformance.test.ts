// Conformance of sim-fs: every recorded drachtio-server + FreeSWITCH scenario replayed against it
// passes, or its divergences are accepted (with why) in simulator/freeswitch/README.md; the runner
// can fail; and the CLI prints the Asterisk runner's JSON shape.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAccepted } from '../../../simulator/pbx/conformance/accepted.js';
import { FS_README, runFsConformance } from '../../../simulator/freeswitch/conformance/run.js';

const TRACES = join(process.cwd(), '..', 'shared', 'freeswitch-1.10', 'traces');
const absent = !existsSync(TRACES);

describe.skipIf(absent)(
  'sim-fs conformance with the recorded traces (needs ../shared/freeswitch-1.10)',
  () => {
    it('passes every scenario (divergences only where the README accepts them), through the CLI', async () => {
      const { stdout } = await promisify(execFile)(
        'node',
        ['bin/sas-acd.mjs', 'sim-pbx', 'conformance', '--pbx', 'freeswitch', '--traces', TRACES, '--json'],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      const report = JSON.parse(stdout) as {
        scenarios: Record<string, { passed: boolean; divergences: { code: string; accepted: boolean }[] }>;
      };
      const open = Object.entries(report.scenarios).flatMap(([name, s]) =>
        s.divergences.filter((d) => !d.accepted).map((d) => `${name}: ${d.code}`),
      );
      expect(open).toEqual([]);
      expect(Object.keys(report.scenarios).length).toBeGreaterThanOrEqual(11);
      expect(Object.values(report.scenarios).every((s) => s.passed)).toBe(true);
      // and the README accepts nothing that never happens
      const accepted = parseAccepted(readFileSync(FS_README, 'utf8'));
      const unused = accepted.filter(
        (a) =>
          !Object.entries(report.scenarios).some(
            ([name, s]) =>
              (a.scenario === null || a.scenario === name) &&
              s.divergences.some((d) => a.pattern.test(d.code)),
          ),
      );
      expect(unused.map((a) => a.source)).toEqual([]);
    }, 120_000);

    it('fails a scenario whose recording disagrees with sim-fs', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sim-fs-traces-'));
      const trace = JSON.parse(readFileSync(join(TRACES, 'agent-busy.json'), 'utf8')) as {
        esl: { t_ms: number; conn: string; dir: string; raw: string; parsed: unknown }[];
      };
      // pretend FreeSWITCH answered the first uuid_break with an error
      const i = trace.esl.findIndex(
        (m) => m.dir === 'fs->app' && m.raw.includes('api/response') && m.raw.endsWith('+OK\n'),
      );
      expect(i).toBeGreaterThan(0);
      trace.esl[i]!.raw = 'Content-Type: api/response\nContent-Length: 20\n\n-ERR no such channel';
      writeFileSync(join(dir, 'agent-busy.json'), JSON.stringify(trace));
      const report = await runFsConformance({ tracesDir: dir });
      const s = report.scenarios['agent-busy']!;
      expect(s.passed).toBe(false);
      expect(s.divergences.map((d) => d.code)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^missing outbound-1 api -ERR no such channel/)]),
      );
    }, 60_000);

    it('names a bad trace file and replays nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sim-fs-traces-'));
      writeFileSync(join(dir, 'broken.json'), JSON.stringify({ scenario: 'broken', drachtio: 'no' }));
      await expect(runFsConformance({ tracesDir: dir })).rejects.toThrow(
        /broken\.json: "drachtio" must be an array/,
      );
    });
  },
);
