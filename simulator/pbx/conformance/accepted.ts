// The divergences sim-pbx's README accepts, each with why. Under the heading "Accepted divergences",
// every list item `- \`[scenario: ]pattern\` — reason` accepts the divergences whose code matches the
// pattern (`*` matches anything), in every scenario or only the one named.
import { readFileSync } from 'node:fs';

export interface Acceptance {
  scenario: string | null;
  pattern: RegExp;
  source: string;
  reason: string;
}

export function parseAccepted(markdown: string): Acceptance[] {
  const out: Acceptance[] = [];
  let inSection = false;
  for (const line of markdown.split('\n')) {
    if (/^#{1,6}\s/.test(line)) {
      inSection = /accepted divergences/i.test(line);
      continue;
    }
    if (!inSection) continue;
    const m = /^\s*[-*]\s+`([^`]+)`\s*(?:[—–:-]+\s*)?(.*)$/.exec(line);
    if (!m) continue;
    const raw = m[1]!;
    const reason = m[2]!.trim();
    if (!reason) throw new Error(`accepted divergence \`${raw}\` gives no reason`);
    const colon = /^([a-z0-9][a-z0-9-]*):\s+(.*)$/.exec(raw);
    const scenario = colon ? colon[1]! : null;
    const glob = colon ? colon[2]! : raw;
    const pattern = new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`);
    out.push({ scenario, pattern, source: raw, reason });
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

export function loadAccepted(readmePath: string): Acceptance[] {
  let text: string;
  try {
    text = readFileSync(readmePath, 'utf8');
  } catch (err) {
    throw new Error(`${readmePath}: cannot read the accepted divergences (${(err as Error).message})`, {
      cause: err,
    });
  }
  return parseAccepted(text);
}

export function acceptance(list: Acceptance[], scenario: string, code: string): Acceptance | undefined {
  return list.find((a) => (a.scenario === null || a.scenario === scenario) && a.pattern.test(code));
}
