// Every benchmark of the project, by name. Each one measures its subject and a baseline in the
// same run and returns its figures as a flat JSON object; none of them asserts anything.
export type BenchResult = Record<string, unknown>;
export type Bench = {
  description: string;
  run: (options: { quick: boolean }) => Promise<BenchResult>;
  /** Left out of `bench all` (`npm run bench`): run by its name only (e.g. a day of replay, ~50 min). */
  byNameOnly?: boolean;
  /** A verdict in the figures that the command reports by exiting 1 (why, or null when it holds). */
  failed?: (result: BenchResult) => string | null;
};

export const benches: Record<string, Bench> = {};

export function addBench(name: string, bench: Bench): void {
  benches[name] = bench;
}
