// Conformance runner (in progress).
export interface ScenarioResult {
  passed: boolean;
  divergences: unknown[];
}
export interface ConformanceReport {
  scenarios: Record<string, ScenarioResult>;
}
export async function runConformance(_opts: {
  tracesDir: string;
  scale: number;
  readme?: string | undefined;
}): Promise<ConformanceReport> {
  throw new Error('the conformance runner is not written yet');
}
export function formatReport(report: ConformanceReport): string {
  return JSON.stringify(report);
}
