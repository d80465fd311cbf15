// The published data dictionary and the code cannot drift: docs/indicators.md is exactly what the
// definitions render, and the values the code computes are exactly the defined indicators.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createIndicators } from '../../../src/core/indicators/accumulator.js';
import { TABLE_ITEMS } from '../../../src/core/indicators/annex3.js';
import { INDICATORS } from '../../../src/core/indicators/definitions.js';
import { newFigures } from '../../../src/core/indicators/figures.js';
import { liveValues } from '../../../src/core/indicators/live.js';
import { indicatorValues } from '../../../src/core/indicators/values.js';
import { renderDictionary } from '../../../src/report/dictionary.js';
import { exampleConfig } from '../core/harness.js';

const doc = readFileSync(new URL('../../../docs/indicators.md', import.meta.url), 'utf8');
const ids = INDICATORS.map((d) => d.id);

describe('the data dictionary', () => {
  it('is the rendering of the definitions in the code (regenerate with sas-acd report --dictionary)', () => {
    expect(doc).toBe(renderDictionary());
  });

  it('defines every indicator the code computes, and the code computes every defined one', () => {
    const computed = [
      ...Object.keys(indicatorValues(newFigures())),
      ...Object.keys(liveValues(createIndicators(exampleConfig()), 0)),
    ];
    expect(new Set(computed).size).toBe(computed.length);
    expect([...computed].sort()).toEqual([...ids].sort());
  });

  it('has one heading per defined indicator and no heading for an undefined one', () => {
    const headings = [...doc.matchAll(/^### `([^`]+)`/gm)].map((m) => m[1]);
    expect(headings.sort()).toEqual([...ids].sort());
  });

  it('computes every annex 3 item from a defined indicator (or leaves it an import slot)', () => {
    for (const it of TABLE_ITEMS) if (it.from) expect(ids, it.id).toContain(it.from.indicator);
    expect(new Set(TABLE_ITEMS.map((i) => i.id)).size).toBe(TABLE_ITEMS.length);
  });
});
