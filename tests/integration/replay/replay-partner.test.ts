// `sas-acd simulate replay` with a caller the ACD sends to the partner SAS (a queue's partner
// overflow). The replay's own sim-pbx dials the partner-sas context to a partner phone that answers
// and hangs up (simulator/replay/partner-phone.ts), so the caller ends as after a real partner
// redirect: counted as an offer of its queue, neither answered nor abandoned, on both sides; nothing
// stuck, no channel left (before, the caller stayed in sim-pbx's dialplan for ever).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleSite } from '../../../src/core/example-site.js';
import { redisServerInstalled } from '../../../src/store/redis-server.js';
import { replayCli } from './replay-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'replay-partner-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

// One N1 ARM. C1 (t=0) is answered at once and talks 30 s; C2 (t=1, patient) waits and is sent to
// the partner SAS 85 after 15 s (N1's partner overflow), at t=16; C3 (t=2, patience 8) hangs up at t=10.
const trace = write(
  'trace.csv',
  [
    'arrival_s,line,caller,patience_s,n1_talk_s,qualification,n2_talk_s',
    '0,15,C1,,30,DR,',
    '1,15,C2,,5,DR,',
    '2,15,C3,8,5,DR,',
  ].join('\n') + '\n',
);
const site = write(
  'site.json',
  JSON.stringify({
    ...exampleSite,
    queues: exampleSite.queues.map((q) =>
      q.id === 'n1'
        ? { ...q, overflow: { ...q.overflow, partner: { partnerId: '85', afterSeconds: 15 } } }
        : q,
    ),
  }),
);

const SPEED = 5;
const LATENCY_S = 1.5;

type Figures = { offered: number; answered: number; abandoned: number; answeredWithinThreshold: number };
type Report = {
  groundTruth: { queues: Record<string, Figures>; calls: Record<string, number> };
  acd: { queues: Record<string, Figures>; calls: Record<string, number> };
  reconciled: boolean;
  calls: { lost: number; duplicated: number; stuck: number };
};

const replay = replayCli(dir).spawned;

describe.skipIf(!redisServerInstalled())(
  'simulate replay: a caller sent to the partner SAS (needs redis-server)',
  () => {
    it('ends on the partner, counted on both sides as an N1 offer neither answered nor abandoned; nothing stuck or left', async () => {
      const r = await replay([
        '--trace',
        trace,
        '--speed',
        String(SPEED),
        '--staff',
        'n1=1',
        '--wrap-up',
        '0',
        '--config',
        site,
        '--tolerance-ms',
        String(LATENCY_S * 1000),
        '--json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.reconciled).toBe(true);
      // "channels left" would be a mismatch, so reconciled also says sim-pbx holds no channel.
      expect(report.calls).toEqual({ lost: 0, duplicated: 0, stuck: 0 });
      for (const side of [report.groundTruth, report.acd]) {
        expect(Object.keys(side.queues)).toEqual(['n1']);
        expect(side.queues.n1).toMatchObject({
          offered: 3,
          answered: 1,
          abandoned: 1,
          answeredWithinThreshold: 1,
        });
        expect(side.calls).toMatchObject({ arrived: 3, answered: 1, abandoned: 1 });
      }
    }, 180_000);
  },
);
