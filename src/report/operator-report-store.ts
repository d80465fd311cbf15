// The operator's monthly reports once reconciled (./operator-report.ts), kept per site and month so
// a supervisor finds last month's gap without sending the file again. A month's report is the
// file's rows for that month: a later file for the same month replaces it whole; the same rows sent
// again change nothing (not even who sent it or when). In Redis, one hash per site under the site's
// hash tag (`sas:{<site>}:operator-reports`: field `<month>` the report, `<month>:digest` its rows'
// digest, compared and written in one script); in memory for sites without Redis (tests, demos).
import { createHash } from 'node:crypto';
import type { RedisClient } from '../store/redis-connection.js';
import { siteKeys } from '../store/keys.js';
import type { OperatorReconciliation } from './operator-report.js';

export type StoredOperatorReport = {
  month: string;
  rows: OperatorReconciliation[];
  /** Parts of the month missing from the history when it was reconciled. */
  historyGaps: number;
  importedAt: number;
  importedBy: string;
};

export type StoreOutcome = 'created' | 'replaced' | 'unchanged';

export interface OperatorReportStore {
  put(siteId: string, report: StoredOperatorReport): Promise<StoreOutcome>;
  /** Every stored month, newest first. */
  list(siteId: string): Promise<StoredOperatorReport[]>;
  get(siteId: string, month: string): Promise<StoredOperatorReport | null>;
}

/** What makes two reports the same: the rows and the history's gaps, not who sent them or when. */
function digest(r: StoredOperatorReport): string {
  return createHash('sha256')
    .update(JSON.stringify({ rows: r.rows, historyGaps: r.historyGaps }))
    .digest('hex');
}

const newestFirst = (a: StoredOperatorReport, b: StoredOperatorReport) => b.month.localeCompare(a.month);

const PUT = `
local old = redis.call('HGET', KEYS[1], ARGV[1] .. ':digest')
if old == ARGV[2] then return 'unchanged' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3], ARGV[1] .. ':digest', ARGV[2])
if old then return 'replaced' end
return 'created'
`;

export class RedisOperatorReportStore implements OperatorReportStore {
  constructor(private readonly redis: RedisClient) {}

  /** Beside the site's other keys (`sas:{<site>}:…`, same hash tag; the id checked there). */
  private key(siteId: string) {
    return siteKeys(siteId).snapshot.replace(/:snapshot$/, ':operator-reports');
  }

  async put(siteId: string, report: StoredOperatorReport): Promise<StoreOutcome> {
    const outcome = await this.redis.eval(
      PUT,
      1,
      this.key(siteId),
      report.month,
      digest(report),
      JSON.stringify(report),
    );
    return outcome as StoreOutcome;
  }

  async list(siteId: string): Promise<StoredOperatorReport[]> {
    const all = await this.redis.hgetall(this.key(siteId));
    return Object.entries(all)
      .filter(([field]) => !field.endsWith(':digest'))
      .map(([, json]) => JSON.parse(json) as StoredOperatorReport)
      .sort(newestFirst);
  }

  async get(siteId: string, month: string): Promise<StoredOperatorReport | null> {
    const json = await this.redis.hget(this.key(siteId), month);
    return json ? (JSON.parse(json) as StoredOperatorReport) : null;
  }
}

export class MemoryOperatorReportStore implements OperatorReportStore {
  private readonly sites = new Map<string, Map<string, { report: StoredOperatorReport; digest: string }>>();

  async put(siteId: string, report: StoredOperatorReport): Promise<StoreOutcome> {
    const site = this.sites.get(siteId) ?? new Map();
    this.sites.set(siteId, site);
    const old = site.get(report.month);
    const d = digest(report);
    if (old?.digest === d) return 'unchanged';
    site.set(report.month, { report: structuredClone(report), digest: d });
    return old ? 'replaced' : 'created';
  }

  async list(siteId: string): Promise<StoredOperatorReport[]> {
    return [...(this.sites.get(siteId)?.values() ?? [])]
      .map((e) => structuredClone(e.report))
      .sort(newestFirst);
  }

  async get(siteId: string, month: string): Promise<StoredOperatorReport | null> {
    const e = this.sites.get(siteId)?.get(month);
    return e ? structuredClone(e.report) : null;
  }
}
