// One site's PBX link, for the single-site `serve` (src/app/serve.ts) and for each site of a process
// serving several (src/app/serve-sites.ts): the adapter is connected while this process leads the
// site and disconnected when it stops leading, the calls in progress are taken over
// (src/app/pbx-take-over.ts) at each new lead and after each reconnection, and effects carried out
// only through a connected adapter (else they wait in the site's outbox). A link lost for good
// (ari-client gave up reconnecting) is handed to a new adapter (src/app/pbx-relink.ts).
import type { Command } from '../core/commands.js';
import type { SiteConfig } from '../core/config.js';
import { recordsCalls } from '../core/recording-config.js';
import type { Effect } from '../core/effects.js';
import type { Logger } from '../ports/logger.js';
import { callRef } from '../lrm/call-ref.js';
import { EndedCalls } from '../shell/ended-calls.js';
import { siteKeys } from '../store/keys.js';
import type { RedisClient } from '../store/redis-connection.js';
import type { LogRole } from '../shell/command-log.js';
import type { SiteShell } from '../shell/site-shell.js';
import { AriAdapter } from '../telephony/ari/ari-adapter.js';
import type { RecordingAvailable } from '../telephony/ari/call-recording.js';
import type { FallbackRecords } from '../telephony/ari/fallback-records.js';
import { DrachtioAdapter } from '../telephony/drachtio/drachtio-adapter.js';
import type { FsFallbackRecords } from '../telephony/drachtio/fallback-records.js';
import type { RefusedCall } from '../telephony/ari/trunk-refusal.js';
import { RECONCILE_EVERY_MS, type PbxReconciler } from '../telephony/ari/reconcile.js';
import { createPbxAdapter, describePbx, type PbxAdapter, type PbxSettings } from './pbx.js';
import { startFallbackCounting, startFsFallbackCounting } from './fallback-counting.js';
import { configureAriReconnect } from './ari-reconnect.js';
import { nextRetryMs, PBX_RELINK, type PbxRelink } from './pbx-relink.js';
import { takeOverPbx } from './pbx-take-over.js';
import type { PbxHandOver } from './pbx-handover.js';
import { startReconciliation, type TelephonyFixes } from './pbx-reconciliation.js';

/** How long a process leaving keeps its Stasis application for the next leader at the most. */
const HAND_OVER_MAX_MS = 10_000;
/** How long a phone's hang-up refused during a take-over is tried again (src/shell/take-over-gate.ts). */
const TAKE_OVER_RETRY_FOR_MS = 120_000;
/** At most this many late commands of a link whose lead ended are kept for the next tenure. */
const LATE_KEPT = 1_000;

/**
 * The commands a link delivered after its lead ended (its socket read late, e.g. an event loop
 * starved past the lease's TTL): a caller's arrival and hang-up, which no take-over can see once the
 * caller is gone. Carried over to this process's next tenure only when it directly follows
 * (`epoch + 1`: no other process led the site meanwhile); see docs/store.md.
 */
type LateCommands = {
  link: PbxAdapter;
  epoch: number | undefined;
  commands: { command: Command; at: number }[];
};

/** How often a process whose late link heard a caller come and go looks whether another process leads. */
const MISSED_CHECK_MS = 500;

/**
 * For `SitePbx.otherLeaderWith`: the epoch of the site's lease in Redis when a holder other than
 * `self` (this process's lease holder name) has it, else null.
 */
export const otherLeaderInRedis =
  (redis: RedisClient, siteId: string, self: string) => async (): Promise<number | null> => {
    const [epoch, holder] = await redis.hmget(siteKeys(siteId).lease, 'epoch', 'holder');
    return holder && holder !== self && epoch ? Number(epoch) : null;
  };

/** What a late link may still tell: who arrived and who hung up (the take-over re-reads the rest). */
const carriedOver = (command: Command): boolean =>
  command.type === 'arriveCall' || command.type === 'callerHungUp';

export type SitePbxOptions = {
  config: SiteConfig;
  /** This site's PBX settings (its own Stasis application on Asterisk). */
  pbx: PbxSettings;
  logger: Logger;
  fixes: TelephonyFixes;
  reconcileEveryMs?: number;
  /** Reading of the fallback's records (AstDB on Asterisk, mod_db on FreeSWITCH), ms apart (0 or absent: off). */
  fallbackPollMs?: number;
  /** Several sites on one Asterisk: holding bridges named apart (AriAdapterOptions.holdingBridgeTag). */
  holdingBridgeTag?: string;
  onRecording?: (r: RecordingAvailable) => void;
  /** A call the PBX refused before distribution (counted by the trunk statistics). */
  onRefused?: (r: RefusedCall) => void;
  /** When a lost link gets a new adapter, and the connection backoff (default PBX_RELINK). */
  relink?: PbxRelink;
};

export class SitePbx {
  /** Calls seen ending (leader or standby): a take-over hangs up their callers still on the PBX. */
  readonly ended = new EndedCalls();
  private adapter: PbxAdapter | null = null;
  private reconciler: PbxReconciler | null = null;
  private fallbackRecords: FallbackRecords | FsFallbackRecords | null = null;
  private stopping = false;
  /** Leaving gracefully with a successor: the link is kept until the successor's replaces it. */
  private handingOver = false;
  private lingering: Promise<void> | null = null;
  private replaced: (() => void) | null = null;
  /** The next leader's client took the application before this process began to linger. */
  private replacedEarly = false;
  private site: SiteShell | null = null;
  /** FreeSWITCH: the two processes' turns of a graceful hand-over (./pbx-handover.ts). */
  private handOver: PbxHandOver | null = null;
  /** The epoch of the current (or last) lead, and of the lead each link was attached for. */
  private leadEpoch: number | undefined;
  private readonly linkEpoch = new WeakMap<PbxAdapter, number | undefined>();
  /** The last link whose lead ended, and what it told since (see LateCommands). */
  private late: LateCommands | null = null;
  /** Reads the epoch of the site's lease when another process holds it (serve: from Redis). */
  private otherLeader: (() => Promise<number | null>) | null = null;
  private missedTimer: NodeJS.Timeout | null = null;
  private siteStarted!: (site: SiteShell) => void;
  // The lead (and so the adapter) may come before SiteShell.start returns: all waits for the shell.
  private readonly siteReady = new Promise<SiteShell>((resolve) => (this.siteStarted = resolve));

  constructor(private readonly opts: SitePbxOptions) {}

  /** The site's shell, once started. */
  started(site: SiteShell): void {
    this.site = site;
    this.siteStarted(site);
  }

  /** The site's telephony port: carried out by its leader only, after persistence. */
  readonly effects = async (effect: Effect): Promise<void> => {
    const adapter = this.adapter;
    if (!adapter?.connected) throw new Error('no PBX link: the effect waits in the outbox');
    await adapter.execute(effect);
  };

  /**
   * Only the leader holds the site's Stasis application (two adapters on one app would fight).
   * `epoch`: the lease's fencing epoch of the lead that begins or ends (src/store/lease.ts).
   */
  readonly roleChanged = (role: LogRole, epoch?: number): void => {
    if (role === 'leader') {
      this.leadEpoch = epoch;
      if (!this.adapter && !this.stopping)
        void this.lead(epoch).catch((err: Error) =>
          this.opts.logger.error({ err: err.message }, 'lead failed to start: no PBX link'),
        );
    }
    if (role !== 'leader' && this.adapter) {
      // Whatever the old link still delivers is kept, for this process's next tenure only (with
      // what it told since its lease lapsed, if it was seen lapsing: see `lapsedLead`).
      if (this.late?.link !== this.adapter)
        this.late = { link: this.adapter, epoch: this.linkEpoch.get(this.adapter), commands: [] };
      void (this.handingOver ? this.linger() : this.detach());
    }
  };

  /**
   * A new lead: first the late commands of the previous link, when this tenure directly follows
   * its own (no other leader between: their arrivals and hang-ups were heard by that link alone),
   * decided before the new link is attached, so before its take-over lists the PBX: an arrival the
   * take-over then finds is known, a caller gone is already ended, and none is counted twice.
   */
  private async lead(epoch: number | undefined): Promise<void> {
    const late = this.late;
    this.late = null;
    const stillLeading = () => this.leadEpoch === epoch && (!this.site || this.site.role === 'leader');
    const follows = late !== null && late.epoch !== undefined && epoch === late.epoch + 1;
    if (late && !follows) this.sendMissed(late);
    if (late && late.commands.length > 0 && !follows)
      this.opts.logger.warn(
        { commands: late.commands.length, linkEpoch: late.epoch, epoch },
        'late PBX events of an earlier lead dropped: another leader came between',
      );
    if (follows && late.commands.length > 0) {
      this.opts.logger.warn(
        { commands: late.commands.map((c) => c.command.type), epoch },
        'late PBX events of the previous lead carried over before the take-over',
      );
      const site = await this.siteReady;
      for (const [i, { command, at }] of late.commands.entries()) {
        // Lost again meanwhile: the rest would come after the next tenure's take-over (dropped).
        if (!stillLeading()) {
          this.opts.logger.warn(
            { commands: late.commands.length - i },
            'late PBX events dropped: lead lost again',
          );
          break;
        }
        // A store failure (Redis away) must not end the lead: the event is logged as lost, the link attached.
        const result = await site
          .dispatch(command, at)
          .catch((err: Error) => ({ ok: false as const, reason: `not decided: ${err.message}` }));
        if (!result.ok)
          this.opts.logger.info(
            { command: command.type, reason: result.reason },
            'late PBX event not applied (already known, or the store failed)',
          );
      }
    }
    // The lead may have ended (or a link been attached) while the late commands were decided.
    if (this.stopping || this.adapter || !stillLeading()) return;
    await this.attach();
  }

  /**
   * Graceful leave: once the lead is handed over, the Stasis application stays held until the next
   * leader's client takes it (ApplicationReplaced) or HAND_OVER_MAX_MS pass. Meanwhile a new caller
   * waits in it, unanswered, for the next leader's take-over, instead of falling to the dialplan
   * fallback as it would with no application connected (the "fallback gap"). Asterisk only.
   */
  async leaving(successorExpected: boolean): Promise<void> {
    const fs = this.opts.pbx.kind === 'freeswitch';
    this.handingOver = successorExpected && (!fs || !!this.handOver);
    // FreeSWITCH: announced before the lease is released, so the next leader waits for this link.
    if (this.handingOver && fs && this.adapter)
      await this.handOver!.leaving().catch((err: Error) => {
        this.opts.logger.warn({ err: err.message }, 'hand-over not announced: leaving at once');
        this.handingOver = false;
      });
  }

  /**
   * FreeSWITCH: a graceful hand-over through Redis (./pbx-handover.ts). Without it the leaving
   * process's link closes at once and drachtio answers 503 until the next leader connects.
   */
  handOverVia(handOver: PbxHandOver): void {
    if (this.opts.pbx.kind === 'freeswitch') this.handOver = handOver;
  }

  /**
   * How to read the epoch of the site's lease when another process holds it (null otherwise): lets
   * a process whose lead lapsed see that another leads, and hand it the callers its late link heard
   * come and go (`sendMissed`). Without it they are handed over only at this process's next lead.
   */
  otherLeaderWith(read: () => Promise<number | null>): void {
    this.otherLeader = read;
  }

  /** The PBX adapter: held while this process leads the site (null otherwise). */
  get current(): PbxAdapter | null {
    return this.adapter;
  }

  get connected(): boolean {
    return this.adapter?.connected ?? false;
  }

  /** Whether the PBX link is up or not needed (this process does not lead the site). */
  get ready(): boolean {
    return this.site?.role !== 'leader' || this.connected;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.missedTimer) clearTimeout(this.missedTimer);
    await this.lingering;
    await this.detach();
  }

  private linger(): Promise<void> {
    if (this.lingering) return this.lingering;
    this.reconciler?.stop();
    this.reconciler = null;
    this.site?.holdEffects();
    if (this.opts.pbx.kind === 'freeswitch') return (this.lingering = this.lingerOnFreeSwitch());
    this.lingering = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.opts.logger.warn({ ms: HAND_OVER_MAX_MS }, 'hand-over: no next leader took the PBX over');
        resolve();
      }, HAND_OVER_MAX_MS);
      this.replaced = () => {
        clearTimeout(timer);
        this.opts.logger.info('hand-over: the next leader holds the PBX');
        resolve();
      };
      if (this.replacedEarly) this.replaced();
    }).then(() => this.detach());
    return this.lingering;
  }

  /**
   * drachtio keeps handing this app its share of new calls until it says it wants no more: they
   * are parked on FreeSWITCH (answered, music) until the next leader is connected, then this app
   * stops taking calls and closes; the next leader's take-over makes the parked callers arrive.
   */
  private async lingerOnFreeSwitch(): Promise<void> {
    const { logger } = this.opts;
    const mine = this.adapter;
    if (mine instanceof DrachtioAdapter) mine.park();
    const routed = (await this.handOver?.routed(HAND_OVER_MAX_MS)) ?? false;
    if (mine instanceof DrachtioAdapter)
      await mine
        .stopTakingCalls()
        .catch((err: Error) => logger.warn({ err: err.message }, 'hand-over: stopping new calls failed'));
    if (routed) logger.info('hand-over: the next leader holds the PBX');
    else logger.warn({ ms: HAND_OVER_MAX_MS }, 'hand-over: no next leader took the PBX over');
    await this.detach();
    await this.handOver?.left().catch(() => undefined);
  }

  private get relink(): PbxRelink {
    return this.opts.relink ?? PBX_RELINK;
  }

  private readonly sink = (command: Command, at: number, since = Date.now()): void => {
    void this.siteReady
      .then((site) => site.dispatch(command, at))
      .then((result) => {
        // A phone's hang-up seen during a take-over is decided once the PBX is taken over
        // (src/shell/take-over-gate.ts).
        if (!result.ok && result.reason === 'pbx-taking-over' && Date.now() - since < TAKE_OVER_RETRY_FOR_MS)
          return void setTimeout(() => this.sink(command, at, since), 250).unref();
        if (!result.ok)
          this.opts.logger.debug(
            { command: command.type, reason: result.reason },
            'telephony command refused',
          );
      });
  };

  private liveConfig(): SiteConfig {
    return this.site?.state.data.config ?? this.opts.config;
  }

  private async takeOver(site: SiteShell, mine: PbxAdapter): Promise<void> {
    const { logger, pbx } = this.opts;
    // A take-over that fails (e.g. Redis restarting) is tried again while this link is up: until
    // one succeeds effects wait in the outbox and no call moves (replay --chaos found it stuck).
    for (;;) {
      const failed = await takeOverPbx(site, mine, this.ended.has, logger).then(
        () => null,
        (err: Error) => err,
      );
      if (!failed) break;
      logger.error({ err: failed.message }, 'take-over of calls in progress failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, this.relink.retryMs));
      if (this.stopping || this.adapter !== mine || !mine.connected) return; // the next link-up or lead retries
    }
    // While connected, missed events are healed (src/telephony/ari/reconcile.ts; Asterisk only:
    // the drachtio adapter re-reads FreeSWITCH's channels at each reconnection instead).
    const everyMs = this.opts.reconcileEveryMs ?? RECONCILE_EVERY_MS;
    if (
      this.adapter === mine &&
      everyMs > 0 &&
      !this.reconciler &&
      mine instanceof AriAdapter &&
      pbx.kind === 'asterisk'
    )
      this.reconciler = startReconciliation({
        site,
        adapter: mine,
        app: pbx.ari.app,
        ended: this.ended.has,
        everyMs,
        fixes: this.opts.fixes,
        logger,
      });
    // The calls the dialplan fallback answered meanwhile are counted (src/app/fallback-counting.ts).
    const pollMs = this.opts.fallbackPollMs ?? 0;
    if (this.adapter === mine && pollMs > 0 && !this.fallbackRecords) {
      if (pbx.kind === 'asterisk')
        this.fallbackRecords = startFallbackCounting({
          site,
          ari: pbx.ari,
          connected: () => mine.connected,
          everyMs: pollMs,
          logger,
        });
      // FreeSWITCH: the sas_fallback profile's mod_db records, read over the adapter's event socket.
      else if (mine instanceof DrachtioAdapter)
        this.fallbackRecords = startFsFallbackCounting({
          site,
          api: (command) => mine.eslApi(command),
          connected: () => mine.connected,
          everyMs: pollMs,
          logger,
        });
    }
  }

  private async attach(): Promise<void> {
    const { config, pbx, logger } = this.opts;
    if (pbx.kind === 'asterisk') configureAriReconnect(this.relink.wsRetries, this.relink.wsRetryMaxMs);
    let linked = false;
    const mine = createPbxAdapter(pbx, config, logger, {
      recording: {
        enabled: () => recordsCalls(this.liveConfig()),
        format: () => this.liveConfig().recording?.format ?? 'wav',
        nameOf: (callId) => callRef(config.id, callId),
      },
      ...(this.opts.onRefused ? { onRefused: this.opts.onRefused } : {}),
      onRecording: (r) => {
        logger.info({ callId: r.callId, recording: r.name }, 'call recording available');
        this.opts.onRecording?.(r);
      },
      ...(this.opts.holdingBridgeTag ? { holdingBridgeTag: this.opts.holdingBridgeTag } : {}),
      // New callers wait parked until the take-over, which may wait for a process leaving.
      ...(this.handOver ? { parkUntilAdopted: true } : {}),
      // The link dropped: effects wait in the outbox; back: re-adopted, then carried out.
      onLink: (up) => {
        if (this.adapter !== mine) return;
        if (!up) return void this.siteReady.then((site) => site.holdEffects());
        void this.siteReady.then(async (site) => {
          // What vanished during the outage first (the adapter's own view), then the full take-over.
          await mine.readopt().catch((err: Error) => logger.warn({ err: err.message }, 'readopt failed'));
          await this.takeOver(site, mine);
        });
      },
      // (A client that gives up while start() still connects is start's to retry.)
      onGaveUp: () => void (linked && this.replace(mine)),
      onReplaced: () => {
        if (this.adapter !== mine) return;
        // The successor may win the race with this process's own role change (lease released,
        // the standby's client in): remembered, so the linger that follows ends at once.
        if (this.replaced) this.replaced();
        else if (this.handingOver) this.replacedEarly = true;
      },
    });
    this.adapter = mine;
    this.linkEpoch.set(mine, this.leadEpoch);
    this.replacedEarly = false;
    let waitMs: number | null = null;
    while (!this.stopping && this.adapter === mine) {
      try {
        // Commands of an adapter already replaced are not news; of one dropped at the end of the
        // lead, arrivals and hang-ups are kept for the next tenure (see `lead`).
        await mine.start((command, at) => {
          if (this.adapter !== mine) this.keepLate(mine, command, at);
          else if (this.lapsed()) this.lapsedLead(mine, command, at);
          else this.sink(command, at);
        });
        if (this.adapter !== mine)
          await mine.stop(); // lost the lead while connecting
        else {
          linked = true;
          logger.info(describePbx(pbx), 'connected to the PBX');
          // FreeSWITCH: a process leaving still takes calls until it sees this link; its last ones
          // are on FreeSWITCH once it has left (./pbx-handover.ts).
          if (this.handOver && (await this.handOver.takeFrom(HAND_OVER_MAX_MS).catch(() => false)))
            logger.info('hand-over: the previous leader has left the PBX');
          // Calls in progress under the previous leader (or before a restart) are taken over; the
          // effects decided meanwhile wait for it (effect outbox).
          await this.takeOver(await this.siteReady, mine);
        }
        return;
      } catch (err) {
        waitMs = nextRetryMs(this.relink, waitMs);
        logger.warn(
          { err: (err as Error).message, ...describePbx(pbx), retryInMs: waitMs },
          'PBX unreachable; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, waitMs!));
      }
    }
  }

  /**
   * Leading by its role, but its lease past its deadline by the local clock (the event loop starved,
   * or the process paused, long enough for another process to take the site): the writer has not
   * noticed yet. Checked before each event is decided (no round trip): such an event may be one
   * only this link heard, while another process leads; it is kept as the link's late event, as if
   * the lead had already ended, not decided as leader (docs/store.md, "Several processes").
   */
  private lapsed(): boolean {
    const site = this.site;
    return site !== null && site.role === 'leader' && !site.leaseHeldLocally;
  }

  private lapsedLead(link: PbxAdapter, command: Command, at: number): void {
    if (this.late?.link !== link) {
      this.late = { link, epoch: this.linkEpoch.get(link), commands: [] };
      this.opts.logger.warn(
        { linkEpoch: this.late.epoch },
        'PBX event heard after the lease lapsed: kept as a late event, not decided as leader',
      );
    }
    this.keepLate(link, command, at);
  }

  private keepLate(link: PbxAdapter, command: Command, at: number): void {
    const late = this.late;
    if (!carriedOver(command)) return;
    if (late?.link !== link || late.commands.length >= LATE_KEPT) {
      // Too late even for the next tenure (already begun) or beyond the bound: said, not kept.
      this.opts.logger.warn({ command: command.type }, 'late PBX event of an ended lead dropped');
      return;
    }
    late.commands.push({ command, at });
    if (command.type === 'callerHungUp') this.watchForMissed(late);
  }

  /**
   * A caller the late link heard come and go can be carried over to this process's next tenure
   * only if it directly follows (see `lead`). Once another process holds the lease with a later
   * epoch, the pair goes to whoever leads as one `recordMissedAbandon` (src/core/rules/fallback.ts).
   */
  private watchForMissed(late: LateCommands): void {
    if (this.missedTimer || !this.otherLeader || late.epoch === undefined) return;
    const check = async (): Promise<void> => {
      this.missedTimer = null;
      if (this.late !== late || this.stopping) return; // taken by the next lead, or stopping
      const epoch = await this.otherLeader!().catch(() => null);
      if (this.late !== late || this.stopping) return;
      if (epoch !== null && epoch > late.epoch!) return this.sendMissed(late);
      this.missedTimer = setTimeout(() => void check(), MISSED_CHECK_MS).unref();
    };
    this.missedTimer = setTimeout(() => void check(), 0).unref();
  }

  /**
   * The callers the late link heard arrive AND hang up, taken out of `late` and sent through the
   * commands stream (as a standby forwards any command) to whoever leads, whose writer decides and
   * appends them under its own fencing: one arrival and abandon each, never distributed, once per
   * call id (a call the leader knows, e.g. adopted by its take-over, is left alone).
   */
  private sendMissed(late: LateCommands): void {
    const hungUpAt = new Map<string, number>();
    for (const { command, at } of late.commands)
      if (command.type === 'callerHungUp') hungUpAt.set(command.callId, at);
    const pairs = new Set<string>();
    for (const { command, at } of late.commands) {
      if (command.type !== 'arriveCall' || !hungUpAt.has(command.callId)) continue;
      pairs.add(command.callId);
      const missed: Command = {
        type: 'recordMissedAbandon',
        callId: command.callId,
        line: command.line,
        arrivedAt: at,
        abandonedAt: Math.max(at, hungUpAt.get(command.callId)!),
        ...(command.department !== undefined ? { department: command.department } : {}),
        ...(command.originSite !== undefined ? { originSite: command.originSite } : {}),
      };
      this.opts.logger.warn(
        { callId: command.callId, linkEpoch: late.epoch },
        'caller heard only by a link whose lead ended: sent to the leader as a missed abandon',
      );
      void this.siteReady
        .then((site) => site.dispatch(missed, missed.abandonedAt))
        .then(
          (result) => {
            if (!result.ok)
              this.opts.logger.warn(
                { callId: command.callId, reason: result.reason },
                'missed abandon refused',
              );
          },
          (err: Error) =>
            this.opts.logger.error({ callId: command.callId, err: err.message }, 'missed abandon not sent'),
        );
    }
    late.commands = late.commands.filter(
      ({ command }) => !('callId' in command && pairs.has(command.callId)),
    );
  }

  /** A new adapter for a link lost for good; it connects with backoff, then takes the calls over. */
  private async replace(mine: PbxAdapter): Promise<void> {
    if (this.stopping || this.adapter !== mine || mine.connected) return;
    this.opts.logger.warn(describePbx(this.opts.pbx), 'PBX link lost for good: connecting a new client');
    await this.detach();
    if (!this.stopping && !this.adapter && this.site?.role === 'leader') await this.attach();
  }

  private async detach(): Promise<void> {
    const old = this.adapter;
    this.adapter = null;
    this.reconciler?.stop();
    this.reconciler = null;
    await this.fallbackRecords?.stop();
    this.fallbackRecords = null;
    this.site?.holdEffects();
    await old
      ?.stop()
      .catch((err: Error) => this.opts.logger.warn({ err: err.message }, 'PBX disconnect failed'));
  }
}
