// `sas-acd report`: the annex 3 tables of a month (table 1) or a year (table 3), computed from an
// exported JSON-lines event file or from a site's history in Redis (archive + stream, the same
// source as the API's exports), with the imported base zéro and
// LRM values beside; `--indicators day` exports every indicator per span as JSON; `--dictionary`
// prints the data dictionary (docs/indicators.md).
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseSiteConfig, type SiteConfig } from '../core/config.js';
import { exampleSite } from '../core/example-site.js';
import { createIndicators } from '../core/indicators/accumulator.js';
import type { ImportedValue } from '../core/indicators/annex3.js';
import { applyIndicatorEvent } from '../core/indicators/reducer.js';
import { GRANULARITIES, type Granularity } from '../core/indicators/spans.js';
import { buildReport, reportCsv, reportJson, type ReportPeriod } from '../report/annex3-report.js';
import { renderDictionary } from '../report/dictionary.js';
import { readEventFile } from '../report/events-file.js';
import { periodBounds } from '../report/period-bounds.js';
import { readHistory } from '../store/archive.js';
import { isEngineEvent } from '../core/event-registry.js';
import type { Event } from '../core/events.js';
import { withoutPersonalData } from '../core/personal-data.js';
import { connectRedis, redisTargetFromEnv, type RedisTarget } from '../store/redis-connection.js';
import { parseImport } from '../report/import.js';
import { exportSpans } from '../report/spans-export.js';

type Options = {
  events?: string;
  redis?: string;
  redisCluster?: string;
  redisSentinel?: string;
  month?: string;
  year?: string;
  format: string;
  separator: string;
  out?: string;
  baseZero?: string;
  config?: string;
  dictionary?: boolean;
  indicators?: string;
};

class UsageError extends Error {}

async function loadConfig(path: string | undefined): Promise<SiteConfig> {
  const raw: unknown = path ? JSON.parse(await readFile(path, 'utf8')) : structuredClone(exampleSite);
  const parsed = parseSiteConfig(raw);
  if (!parsed.ok)
    throw new UsageError(`bad site configuration ${path ?? '(example)'}:\n${parsed.errors.join('\n')}`);
  return parsed.config;
}

async function loadImports(path: string | undefined): Promise<ImportedValue[]> {
  if (!path) return [];
  const r = parseImport(await readFile(path, 'utf8'));
  if (!r.ok) throw new UsageError(`${path} refused, nothing imported:\n${r.errors.join('\n')}`);
  return r.values;
}

function periodOf(o: Options): ReportPeriod {
  if (Boolean(o.month) === Boolean(o.year))
    throw new UsageError('give one of --month YYYY-MM or --year YYYY');
  if (o.month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month)) throw new UsageError('--month is YYYY-MM');
  if (o.year && !/^\d{4}$/.test(o.year)) throw new UsageError('--year is YYYY');
  return o.month ? { month: o.month } : { year: o.year! };
}

async function run(o: Options): Promise<void> {
  if (o.dictionary) {
    await output(renderDictionary(), o.out);
    return;
  }
  if ([o.events, o.redis, o.redisCluster, o.redisSentinel].filter(Boolean).length !== 1)
    throw new UsageError(
      'give one event source: --events FILE.jsonl, --redis redis://HOST:PORT, --redis-cluster HOST:PORT,… or --redis-sentinel NAME@HOST:PORT,…',
    );
  if (o.indicators) {
    await exportIndicators(o);
    return;
  }
  if (o.format !== 'csv' && o.format !== 'json') throw new UsageError('--format is csv or json');
  if (o.separator !== ',' && o.separator !== ';') throw new UsageError('--separator is "," or ";"');
  const period = periodOf(o);
  const imports = await loadImports(o.baseZero);
  const acc = createIndicators(await loadConfig(o.config));
  await readEvents(o, acc.config, (e) => applyIndicatorEvent(acc, e));
  const report = buildReport(acc, period, imports);
  await output(o.format === 'json' ? reportJson(report) : reportCsv(report, o.separator), o.out);
}

/** `--indicators GRANULARITY`: every indicator of every span as JSON (within --month/--year if given). */
async function exportIndicators(o: Options): Promise<void> {
  const g = o.indicators as Granularity;
  if (!GRANULARITIES.includes(g)) throw new UsageError(`--indicators is one of ${GRANULARITIES.join(', ')}`);
  const acc = createIndicators(await loadConfig(o.config));
  await readEvents(o, acc.config, (e) => applyIndicatorEvent(acc, e));
  const spans = exportSpans(acc, g, o.month ?? o.year ?? '');
  await output(`${JSON.stringify({ site: acc.config.id, granularity: g, spans }, null, 2)}\n`, o.out);
}

/** Events after a span still belong to calls that arrived in it (figures go by arrival). */
const TAIL_MS = 24 * 3600_000;

/**
 * The events of the file, or of the site's Redis history within the period asked (all of it when
 * no period). Parts missing from the history are reported on stderr, not hidden.
 */
async function readEvents(o: Options, config: SiteConfig, onEvent: (e: Event) => void): Promise<void> {
  if (o.events) {
    for await (const e of readEventFile(o.events)) onEvent(e);
    return;
  }
  const label = o.month ?? o.year;
  const { start, end } = label
    ? periodBounds(config.calendar.timeZone, label)
    : { start: 0, end: Date.now() };
  const target = redisTarget(o);
  const redis = connectRedis(target, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined); // the first failure is reported below
  const where = o.redis ?? o.redisCluster ?? o.redisSentinel;
  try {
    // The first command connects (a cluster client connects at once and retries its seeds for
    // ever: give up after a while with the reason).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
      }),
    ])
      .catch((err: Error) => {
        throw new UsageError(`cannot reach ${where}: ${err.message}`);
      })
      .finally(() => clearTimeout(timer));
    const read = await readHistory(
      redis,
      {
        site: config.id,
        from: start,
        to: end + TAIL_MS,
        isKnownEvent: isEngineEvent,
        redact: withoutPersonalData,
        timeOf: (e) => e.at,
      },
      onEvent,
    );
    console.error(
      `site ${config.id}: ${read.events} events (${read.archivedHours} archived hours, ${read.fromStream} from the stream)`,
    );
    for (const g of read.gaps)
      console.error(
        `warning: history missing from ${new Date(g.fromMs).toISOString()} to ${new Date(g.toMs).toISOString()}`,
      );
  } finally {
    redis.disconnect();
  }
}

/** One node, a cluster's seed nodes or a sentinel group, parsed as `serve` parses REDIS_* (with REDIS_USERNAME / REDIS_PASSWORD). */
function redisTarget(o: Options): RedisTarget {
  const parsed = redisTargetFromEnv({
    ...(o.redis ? { REDIS_URL: o.redis } : {}),
    ...(o.redisCluster ? { REDIS_CLUSTER: o.redisCluster } : {}),
    ...(o.redisSentinel ? { REDIS_SENTINEL: o.redisSentinel } : {}),
    REDIS_USERNAME: process.env.REDIS_USERNAME,
    REDIS_PASSWORD: process.env.REDIS_PASSWORD,
  });
  if (!parsed.ok)
    throw new UsageError(
      parsed.errors
        .map((e) =>
          e
            .replace(/^REDIS_URL/, '--redis')
            .replace(/^REDIS_CLUSTER/, '--redis-cluster')
            .replace(/^REDIS_SENTINEL/, '--redis-sentinel'),
        )
        .join('\n'),
    );
  return parsed.target;
}

async function output(text: string, out: string | undefined): Promise<void> {
  if (out) await writeFile(out, text, 'utf8');
  else process.stdout.write(text);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write the annex 3 tables (month: table 1, year: table 3) from an event file or Redis')
    .option('--events <file>', 'JSON-lines event file (one engine event per line)')
    .option('--redis <url>', "instead of --events: the site's history in Redis (site id from --config)")
    .option(
      '--redis-cluster <host:port,…>',
      'the same from a Redis Cluster (seed nodes; REDIS_USERNAME / REDIS_PASSWORD)',
    )
    .option(
      '--redis-sentinel <name@host:port,…>',
      'the same from a sentinel group (REDIS_USERNAME / REDIS_PASSWORD)',
    )
    .option('--month <YYYY-MM>', 'table 1 for this month (item 6 also for its quarter)')
    .option('--year <YYYY>', 'table 3 for this year')
    .option('--format <csv|json>', 'output format', 'csv')
    .option('--separator <char>', 'CSV separator: "," or ";" (";" also writes decimal commas)', ',')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--base-zero <file>', 'CSV of imported values: base zéro history and LRM-only items')
    .option('--config <file>', 'site configuration JSON (default: the example site)')
    .option(
      '--indicators <granularity>',
      'instead of the tables: every indicator per interval|hour|day|month|quarter|year as JSON',
    )
    .option('--dictionary', 'print the data dictionary (docs/indicators.md) and exit')
    .action(async (o: Options) => {
      try {
        await run(o);
      } catch (err) {
        console.error(`sas-acd report: ${(err as Error).message}`);
        process.exitCode = 2;
      }
    });
}
