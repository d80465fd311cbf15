// The design system's colours pass WCAG AA (4.5:1 for text) on the backgrounds they are used on:
// read from the CSS variables of web/src/styles.css, so a changed colour is checked again.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../../web/src/styles.css', import.meta.url), 'utf8');
const vars = new Map([...css.matchAll(/--([a-z0-9-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1]!, m[2]!]));

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** [text, background] pairs as the screens use them. */
const PAIRS: [string, string][] = [
  ...['text', 'text-muted', 'ok', 'warn', 'danger', 'info', 'focus'].flatMap((t): [string, string][] => [
    [t, 'bg'],
    [t, 'surface'],
  ]),
  ['text', 'surface-2'],
  ['key-text', 'key-bg'],
  ['primary-text', 'primary-bg'],
  ['danger-text', 'danger-bg'],
  ['lost-text', 'lost-bg'],
  ['p0-text', 'p0-bg'],
  ['p1-text', 'p1-bg'],
  ['p2-text', 'p2-bg'],
];

describe('design system colours', () => {
  it('reads every colour it checks from the stylesheet', () => {
    for (const [t, b] of PAIRS) {
      expect(vars.has(t), t).toBe(true);
      expect(vars.has(b), b).toBe(true);
    }
  });

  it.each(PAIRS)('%s on %s reaches 4.5:1', (t, b) => {
    expect(contrast(vars.get(t)!, vars.get(b)!)).toBeGreaterThanOrEqual(4.5);
  });

  it('computes the reference ratio of black on white', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });
});
