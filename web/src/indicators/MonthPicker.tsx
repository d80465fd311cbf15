// A month as the French read it (« mars 2026 »): a select of month names and a year field. The
// browser's own <input type="month"> shows its month in the browser's language (« March 2026 »
// in a Debian chromium) whatever the page says. Both are native controls, so the keyboard works
// as everywhere: Tab between them, arrows to change (each change loads the figures).
import { MONTHS } from '../i18n.js';

export function MonthPicker({ value, onChange }: { value: string; onChange: (month: string) => void }) {
  const [year = '', month = '01'] = value.split('-');
  return (
    <>
      <label>
        Mois
        <select
          data-testid="month"
          value={month}
          onChange={(e) => year && onChange(`${year}-${e.currentTarget.value}`)}
        >
          {MONTHS.map((name, i) => (
            <option key={name} value={String(i + 1).padStart(2, '0')}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Année
        <input
          type="number"
          min="2000"
          max="2100"
          data-testid="month-year"
          value={year}
          onChange={(e) =>
            /^\d{4}$/.test(e.currentTarget.value) && onChange(`${e.currentTarget.value}-${month}`)
          }
        />
      </label>
    </>
  );
}
