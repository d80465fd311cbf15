// Spans add up: on a busy synthetic day driven through the engine (the benchmark's), the
// 15-minute intervals sum to the hours, the hours to the day, SAS + PDSA to 24 h; and the local
// calendar holds across a DST change.
import { describe, expect, it } from 'vitest';
import { generateBusyDay } from '../../../src/bench/indicators.js';
import { forgetIntervalsBefore } from '../../../src/core/indicators/accumulator.js';
import { rollUp, spanLabel, type Granularity } from '../../../src/core/indicators/spans.js';
import { indicatorValues } from '../../../src/core/indicators/values.js';
import { TestSite, exampleConfig } from '../core/harness.js';
import { indicate } from './drive.js';

const day = generateBusyDay(24);
const acc = indicate(day.config, day.events);

function sumOf(g: Granularity, key: 'calls.arrived' | 'calls.answered' | 'calls.answeredWithin30s') {
  let n = 0;
  for (const span of rollUp(acc, g).values()) n += indicatorValues(span.all)[key] as number;
  return n;
}

describe('reporting spans', () => {
  it('add up from 15-minute intervals to hours, the day, the month, the quarter and the year', () => {
    for (const key of ['calls.arrived', 'calls.answered', 'calls.answeredWithin30s'] as const) {
      const total = sumOf('interval', key);
      for (const g of ['hour', 'day', 'month', 'quarter', 'year'] as const)
        expect(sumOf(g, key), `${key} ${g}`).toBe(total);
    }
    expect(sumOf('day', 'calls.arrived')).toBe(day.calls);
    // 96 intervals of Monday 2 March 2026, Paris.
    expect([...rollUp(acc, 'interval').keys()].filter((l) => l.startsWith('2026-03-02T'))).toHaveLength(96);
  });

  it('split every span into SAS and PDSA hours that add up to 24 h', () => {
    for (const span of rollUp(acc, 'hour').values()) {
      const [sas, pdsa, all] = [span.sas, span.pdsa, span.all].map(indicatorValues);
      for (const k of ['calls.arrived', 'calls.answered', 'calls.abandoned', 'files.drmOpenedAtN1'])
        expect((sas![k] as number) + (pdsa![k] as number)).toBe(all![k]);
    }
    // Monday: PDSA until 08:00 and from 20:00, SAS in between.
    const hours = rollUp(acc, 'hour');
    expect(hours.get('2026-03-02T07+01:00')!.sas.calls.arrived).toBe(0);
    expect(hours.get('2026-03-02T08+01:00')!.pdsa.calls.arrived).toBe(0);
    expect(hours.get('2026-03-02T20+01:00')!.sas.calls.arrived).toBe(0);
  });

  it('follows the local calendar across the spring DST change (a 23-hour Sunday)', () => {
    // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST. One call an hour from midnight.
    const s = new TestSite(exampleConfig(), Date.UTC(2026, 2, 28, 23, 0));
    for (let h = 0; h < 23; h++) {
      s.call(`d${h}`);
      s.advance(3600);
    }
    const dst = rollUp(indicate(s.state.data.config, s.log), 'hour');
    const labels = [...dst.keys()].filter((l) => l.startsWith('2026-03-29'));
    expect(labels).toHaveLength(23);
    expect(labels.slice(1, 3)).toEqual(['2026-03-29T01+01:00', '2026-03-29T03+02:00']);
    expect(spanLabel(Date.UTC(2026, 2, 29, 22, 45), 'day', 'Europe/Paris')).toBe('2026-03-30');
  });
});

describe('forgetting old intervals', () => {
  it('keeps the later intervals intact', () => {
    const copy = indicate(day.config, day.events);
    const noon = Date.UTC(2026, 2, 2, 11, 0); // 12:00 Paris
    forgetIntervalsBefore(copy, noon);
    const kept = [...rollUp(copy, 'hour').keys()];
    expect(kept[0]).toBe('2026-03-02T12+01:00');
    expect(rollUp(copy, 'hour').get('2026-03-02T15+01:00')).toEqual(
      rollUp(acc, 'hour').get('2026-03-02T15+01:00'),
    );
  });
});
