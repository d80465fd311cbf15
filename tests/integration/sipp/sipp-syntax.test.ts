// The sipp load-test scenarios of simulator/sipp, run for real on loopback: the caller (UAC,
// caller-15.xml) against the agent phone (UAS, agent-phone.xml). It checks what can be checked
// without an Asterisk: sipp accepts both files, and each path of the caller (hangs up when its
// patience runs out, answers the far end's BYE, gives up while ringing with CANCEL) completes.
// Skipped, not passed, when `sipp` (Debian package sip-tester) is not installed.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SIPP_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../simulator/sipp');
const CALLER = join(SIPP_DIR, 'caller-15.xml');
const AGENT = join(SIPP_DIR, 'agent-phone.xml');
const hasSipp = spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error === undefined;

const work = mkdtempSync(join(tmpdir(), 'sas-acd-sipp-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A UDP port nobody holds right now on 127.0.0.1. */
function freeUdpPort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createSocket('udp4');
    s.once('error', fail);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

/** Resolves once something holds the UDP port (sipp has bound its socket). */
async function udpBound(port: number, ms = 5000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const inUse = await new Promise<boolean>((done) => {
      const s = createSocket('udp4');
      s.once('error', () => done(true));
      s.bind(port, '127.0.0.1', () => s.close(() => done(false)));
    });
    if (inUse) return;
    if (Date.now() - start > ms) throw new Error(`nothing bound UDP ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

type SippRun = {
  code: number | null;
  stdout: string;
  stderr: string;
  stats: Record<string, string>;
};

/** Runs sipp to completion (or kills it after timeoutMs) and reads the last line of its -stf file. */
function sipp(name: string, args: string[], timeoutMs = 12_000): Promise<SippRun> {
  const statFile = join(work, `${name}.csv`);
  return new Promise((done) => {
    const child = spawn(
      'sipp',
      [
        ...args,
        '-nostdin',
        '-trace_stat',
        '-stf',
        statFile,
        '-trace_err',
        '-error_file',
        join(work, `${name}-errors.log`),
      ],
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      let stats: Record<string, string> = {};
      try {
        const lines = readFileSync(statFile, 'utf8').trim().split('\n');
        const head = lines[0]!.split(';');
        const last = lines[lines.length - 1]!.split(';');
        stats = Object.fromEntries(head.map((h, i) => [h, last[i] ?? '']));
      } catch {
        // no statistics file: sipp refused the scenario; the exit code and output say why
      }
      done({ code, stdout, stderr, stats });
    });
  });
}

/** The cumulative value of one of the caller's user counters on sipp's final screen. */
const counter = (stdout: string, name: string): number => {
  const m = new RegExp(`Counter ${name}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(stdout);
  return m ? Number(m[1]) : NaN;
};

async function callAgents(opts: {
  calls: number;
  caller: string[];
  agent: string[];
  callerScenario?: string;
  agentScenario?: string;
}): Promise<{ uac: SippRun; uas: SippRun }> {
  const [uasPort, uacPort] = [await freeUdpPort(), await freeUdpPort()];
  const n = String(opts.calls);
  const uasDone = sipp(`uas-${uasPort}`, [
    '-sf',
    opts.agentScenario ?? AGENT,
    '-i',
    '127.0.0.1',
    '-p',
    String(uasPort),
    '-m',
    n,
    ...opts.agent,
  ]);
  await udpBound(uasPort);
  const uac = await sipp(`uac-${uacPort}`, [
    '-sf',
    opts.callerScenario ?? CALLER,
    '-s',
    '15',
    '-i',
    '127.0.0.1',
    '-p',
    String(uacPort),
    '-m',
    n,
    '-r',
    '20',
    ...opts.caller,
    `127.0.0.1:${uasPort}`,
  ]);
  return { uac, uas: await uasDone };
}

describe.skipIf(!hasSipp)('sipp scenarios of simulator/sipp, caller against agent phone on loopback', () => {
  it('the caller hangs up when its patience runs out: every call succeeds on both sides', async () => {
    const { uac, uas } = await callAgents({
      calls: 2,
      caller: ['-set', 'patience_ms', '200'],
      agent: ['-set', 'ring_ms', '50'],
    });
    expect(uac.code, uac.stderr).toBe(0);
    expect(uac.stats['SuccessfulCall(C)']).toBe('2');
    expect(uac.stats['FailedCall(C)']).toBe('0');
    expect(counter(uac.stdout, 'answered')).toBe(2);
    expect(uas.code, uas.stderr).toBe(0);
    expect(uas.stats['SuccessfulCall(C)']).toBe('2');
  });

  it('the far end hangs up first: the caller answers the BYE during its patience pause', async () => {
    const start = Date.now();
    const { uac, uas } = await callAgents({
      calls: 2,
      caller: ['-set', 'patience_ms', '10000'],
      agent: ['-set', 'ring_ms', '0', '-set', 'talk_ms', '150'],
    });
    expect(uac.code, uac.stderr).toBe(0);
    expect(uac.stats['SuccessfulCall(C)']).toBe('2');
    expect(uas.stats['SuccessfulCall(C)']).toBe('2');
    // Well under the 10 s patience: the calls ended on the agent's BYE.
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('the phone answers at once when the INVITE asks for auto-answer (Call-Info answer-after=0)', async () => {
    // The adapter adds this header for auto-answer agents; the caller scenario stands in for Asterisk.
    const auto = join(work, 'caller-15-auto-answer.xml');
    const xml = readFileSync(CALLER, 'utf8');
    expect(xml).toContain('Subject: sas-acd load test');
    writeFileSync(auto, xml.replace('Subject: sas-acd load test', 'Call-Info: <sip:sasacd>;answer-after=0'));
    const start = Date.now();
    const { uac } = await callAgents({
      calls: 1,
      callerScenario: auto,
      caller: ['-set', 'patience_ms', '100'],
      agent: ['-set', 'ring_ms', '5000'],
    });
    expect(uac.code, uac.stderr).toBe(0);
    expect(counter(uac.stdout, 'answered')).toBe(1);
    expect(Date.now() - start).toBeLessThan(4000); // not the 5 s of ringing
  });

  it('a call refused with a final error (486 busy) is acknowledged and counted not answered', async () => {
    const busy = join(work, 'busy-phone.xml');
    writeFileSync(
      busy,
      `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="busy phone">
  <recv request="INVITE" />
  <send><![CDATA[

      SIP/2.0 486 Busy Here
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]BUSY[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]></send>
  <recv request="ACK" />
</scenario>
`,
    );
    const { uac, uas } = await callAgents({
      calls: 1,
      agentScenario: busy,
      caller: ['-set', 'patience_ms', '100'],
      agent: [],
    });
    expect(uac.code, uac.stderr).toBe(0);
    expect(counter(uac.stdout, 'not_answered')).toBe(1);
    expect(counter(uac.stdout, 'answered')).toBe(0);
    expect(uas.stats['SuccessfulCall(C)']).toBe('1'); // the ACK came: the phone's transaction closed
  });

  it('a caller who hears ringing too long gives up with CANCEL and is counted not answered', async () => {
    // The same scenario with its 30 s ringing limit cut to 300 ms, so the test stays short.
    const short = join(work, 'caller-15-short-ring.xml');
    const xml = readFileSync(CALLER, 'utf8');
    expect(xml).toContain('timeout="30000"');
    writeFileSync(short, xml.replaceAll('timeout="30000"', 'timeout="300"'));
    const { uac, uas } = await callAgents({
      calls: 1,
      callerScenario: short,
      caller: ['-set', 'patience_ms', '200'],
      agent: ['-set', 'ring_ms', '3000'],
    });
    expect(uac.code, uac.stderr).toBe(0);
    expect(counter(uac.stdout, 'not_answered')).toBe(1);
    expect(counter(uac.stdout, 'answered')).toBe(0);
    // The phone saw INVITE, CANCEL (200 + 487), ACK: a clean call on its side too.
    expect(uas.stats['SuccessfulCall(C)']).toBe('1');
    expect(uas.stats['FailedCall(C)']).toBe('0');
  });
});
