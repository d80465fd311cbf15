// French on the screens: plural forms (0 and 1 singular), durations, problem reasons in words.
import { describe, expect, it } from 'vitest';
import { duration, percent, plural, problemText } from '../../../web/src/i18n.js';

describe('screen French', () => {
  it('puts 0 and 1 in the singular, 2 and more in the plural', () => {
    expect(plural(0, 'appel', 'appels')).toBe('0 appel');
    expect(plural(1, 'appel', 'appels')).toBe('1 appel');
    expect(plural(2, 'appel', 'appels')).toBe('2 appels');
  });

  it('writes durations and percentages the French way', () => {
    expect(duration(42_900)).toBe('42 s');
    expect(duration(185_000)).toBe('3 min 05 s');
    expect(duration(3_720_000)).toBe('1 h 02 min');
    expect(percent(0.875)).toBe('87,5 %');
    expect(percent(null)).toBe('—');
  });

  it('turns API problem reasons into French, never the English detail', () => {
    expect(problemText('token-expired', 401)).toBe('Session expirée : reconnectez-vous.');
    expect(problemText(undefined, 0)).toContain('Serveur injoignable');
    expect(problemText('something-new', 409)).toContain('impossible');
  });
});
