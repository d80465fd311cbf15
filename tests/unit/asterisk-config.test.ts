// asterisk-config/ read the way Asterisk reads it (INI-like sections, `[name](!,template)`
// templates, `key = value` / `exten => ...`, `#include`), and checked for internal consistency and
// against what the ACD expects: the agents of the example site, its lines and partners, the Stasis
// app and ARI user of docker-compose.yml, the fallback when the ACD is down, no committed secret.
// It does not prove Asterisk accepts the files (that needs an Asterisk: asterisk-config/README.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSiteConfig, type SiteConfig } from '../../src/core/config.js';
import { exampleSite } from '../../src/core/example-site.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const DIR = join(ROOT, 'asterisk-config');
/** docker-compose.yml mounts asterisk-config/ as /etc/asterisk. */
const inConfigDir = (path: string) => join(DIR, path.replace(/^\/etc\/asterisk\/?/, ''));

type Section = { name: string; template: boolean; parents: string[]; entries: [string, string][] };

/** Asterisk's config syntax: ';' starts a comment unless escaped as '\;'. */
const stripComment = (line: string) => line.replace(/(^|[^\\]);.*$/, '$1');

function parseConf(file: string, depth = 0): Section[] {
  if (depth > 5) throw new Error(`#include too deep at ${file}`);
  const out: Section[] = [];
  let current: Section | null = null;
  for (const raw of readFileSync(join(DIR, file), 'utf8').split('\n')) {
    const line = stripComment(raw).trim();
    if (!line) continue;
    const include = /^#(?:try)?include\s+"?([^"\s]+)"?$/.exec(line);
    if (include) {
      const sub = parseConf(include[1]!, depth + 1);
      out.push(...sub);
      current = sub.at(-1) ?? current;
      continue;
    }
    const header = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
    if (header) {
      const opts = (header[2] ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
      current = {
        name: header[1]!,
        template: opts.includes('!'),
        parents: opts.filter((o) => o !== '!'),
        entries: [],
      };
      out.push(current);
      continue;
    }
    const entry = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!entry || !current) throw new Error(`${file}: cannot read "${line}"`);
    current.entries.push([entry[1]!.trim(), entry[2]!.trim()]);
  }
  return out;
}

type PjsipObject = { name: string; type: string; get: (k: string) => string[] };

/** pjsip.conf objects with their templates applied (a template's values come first). */
function pjsipObjects(): PjsipObject[] {
  const sections = parseConf('pjsip.conf');
  const templates = new Map(sections.filter((s) => s.template).map((s) => [s.name, s]));
  const flatten = (s: Section): [string, string][] =>
    s.parents
      .flatMap((p) => {
        const t = templates.get(p);
        if (!t) throw new Error(`[${s.name}] uses unknown template ${p}`);
        return flatten(t);
      })
      .concat(s.entries);
  return sections
    .filter((s) => !s.template)
    .map((s) => {
      const entries = flatten(s);
      const get = (k: string) => entries.filter(([key]) => key === k).map(([, v]) => v);
      return { name: s.name, type: get('type').at(-1) ?? '', get };
    });
}

const pjsip = pjsipObjects();
const ofType = (type: string) => new Map(pjsip.filter((o) => o.type === type).map((o) => [o.name, o]));
const endpoints = ofType('endpoint');
const aors = ofType('aor');
const auths = ofType('auth');
const transports = ofType('transport');

const dialplan = parseConf('extensions.conf');
/** The dialplan without its comments: every value of every context. */
const dialplanText = dialplan.flatMap((s) => s.entries.map(([, v]) => v)).join('\n');
const context = (name: string) => dialplan.find((s) => s.name === name);
const globals = new Map(context('globals')?.entries ?? []);
const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
/** The default of `${NAME:-default}` in docker-compose.yml (one default for each variable). */
const composeDefault = (name: string): string => {
  const all = [...compose.matchAll(new RegExp(`\\$\\{${name}:-([^}]*)\\}`, 'g'))].map((m) => m[1]);
  expect(new Set(all).size, `one default for ${name} in docker-compose.yml`).toBe(1);
  return all[0]!;
};

const site: SiteConfig = (() => {
  const parsed = parseSiteConfig(exampleSite);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
})();

/** Endpoint names of every PJSIP/... the dialplan dials: PJSIP/name, PJSIP/number@endpoint. */
function dialledEndpoints(): Set<string> {
  const names = new Set<string>();
  for (const m of dialplanText.matchAll(/PJSIP\/([^&,)\s]+)/g)) {
    const target = m[1]!;
    const endpoint = target.includes('@') ? target.slice(target.indexOf('@') + 1) : target;
    if (!endpoint.includes('${')) names.add(endpoint);
  }
  return names;
}

describe('asterisk-config/pjsip.conf', () => {
  it('has every agent endpoint of the example site, WebRTC, with its registration and password', () => {
    const withEndpoint = site.agents.filter((a) => a.endpoint);
    expect(withEndpoint.length).toBeGreaterThan(5);
    for (const agent of withEndpoint) {
      const [tech, name] = agent.endpoint!.split('/');
      expect(tech, agent.id).toBe('PJSIP');
      const ep = endpoints.get(name!);
      expect(ep, `endpoint ${name} for agent ${agent.id}`).toBeDefined();
      expect(ep!.get('webrtc').at(-1), `${name} is a WebRTC endpoint`).toBe('yes');
      expect(ep!.get('dtls_cert_file').at(-1), `${name} DTLS certificate`).toMatch(
        /^\/etc\/asterisk\/keys\//,
      );
      for (const aor of ep!.get('aors')) expect(aors.has(aor), `aor ${aor} of ${name}`).toBe(true);
      for (const auth of ep!.get('auth')) expect(auths.has(auth), `auth ${auth} of ${name}`).toBe(true);
      expect(ep!.get('aors')).toHaveLength(1);
      expect(ep!.get('auth')).toHaveLength(1);
    }
  });

  it('only references objects that exist (aors, auths, transports, identify endpoints)', () => {
    for (const ep of endpoints.values()) {
      for (const list of ep.get('aors'))
        for (const aor of list.split(','))
          expect(aors.has(aor.trim()), `aor ${aor} of ${ep.name}`).toBe(true);
      for (const key of ['auth', 'outbound_auth'])
        for (const a of ep.get(key)) expect(auths.has(a), `${key} ${a} of ${ep.name}`).toBe(true);
      for (const t of ep.get('transport'))
        expect(transports.has(t), `transport ${t} of ${ep.name}`).toBe(true);
    }
    for (const id of pjsip.filter((o) => o.type === 'identify'))
      expect(endpoints.has(id.get('endpoint').at(-1)!), `identify ${id.name}`).toBe(true);
    for (const o of pjsip)
      expect(o.type, `[${o.name}] has a type`).toMatch(
        /^(global|transport|endpoint|aor|auth|identify|registration)$/,
      );
  });

  it('has the WSS transport for WebRTC and the operator trunk the adapter dials out on', () => {
    expect([...transports.values()].map((t) => t.get('protocol').at(-1))).toEqual(
      expect.arrayContaining(['udp', 'tls', 'wss']),
    );
    // ari-adapter.ts: callbacks originate PJSIP/<number>@trunk.
    const trunk = endpoints.get('trunk');
    expect(trunk?.get('context').at(-1)).toBe('from-trunk');
    expect(pjsip.some((o) => o.type === 'identify' && o.get('endpoint').includes('trunk'))).toBe(true);
  });

  it('commits no secret: every password is a CHANGE_ME placeholder', () => {
    const passwords = pjsip.flatMap((o) => o.get('password'));
    expect(passwords.length).toBeGreaterThan(5);
    for (const p of passwords) expect(p).toMatch(/^CHANGE_ME/);
    for (const s of parseConf('ari.conf'))
      for (const [k, v] of s.entries) if (k === 'password') expect(v).toMatch(/^CHANGE_ME/);
    expect(composeDefault('ARI_PASSWORD')).toMatch(/^CHANGE_ME/);
  });
});

describe('asterisk-config/extensions.conf', () => {
  it("writes and deletes the fallback's records in the family of the caller's application only", () => {
    // Several sites on one Asterisk: each site's records apart (fallbackFamily in the reader).
    const writes = [...dialplanText.matchAll(/\bDB\(([^/]+)\//g)].map((m) => m[1]);
    expect(writes.sort()).toEqual(['${ARG5}-fallback', '${SASACD_APP}-fallback']);
    const answered = context('sasacd-fallback')!
      .entries.map(([, v]) => v)
      .join('\n');
    expect(answered).toMatch(/U\(sasacd-fallback-answered(\^[^^)]*){4}\^\$\{SASACD_APP\}\)/);
    const reader = context('sasacd-fallback-reader')!
      .entries.map(([, v]) => v)
      .join('\n');
    expect([...reader.matchAll(/DB_DELETE\(([^/]+)\//g)].map((m) => m[1])).toEqual([
      '${SASACD_FALLBACK_FAMILY}',
    ]);
    expect(reader).toContain('Set(SASACD_FALLBACK_FAMILY=sasacd-fallback)');
  });

  it('dials only endpoints that pjsip.conf defines', () => {
    const dialled = dialledEndpoints();
    expect(dialled.has('trunk')).toBe(true);
    for (const name of dialled) expect(endpoints.has(name), `PJSIP/${name} in extensions.conf`).toBe(true);
  });

  it('sends every line of the example site into Stasis(${SASACD_APP},<line>), sasacd by default', () => {
    const apps = [...dialplanText.matchAll(/Stasis\(([^,)]+),([^)]+)\)/g)];
    expect(apps.length).toBeGreaterThan(0);
    for (const m of apps) {
      expect(m[1]).toBe('${SASACD_APP}');
      expect(m[2]).toBe('${SASACD_LINE},${SASACD_ARGS}');
    }
    expect(globals.get('SASACD_APP')).toBe('sasacd');
    const trunkIn = context('from-trunk')!
      .entries.map(([, v]) => v)
      .join('\n');
    for (const line of site.lines)
      expect(trunkIn, `line ${line.id}`).toContain(`Set(SASACD_LINE=${line.id})`);
    // The 15 and the 116 117 are delivered as such by the operator.
    expect(trunkIn).toMatch(/^15,1,/m);
    expect(trunkIn).toMatch(/^116117,1,/m);
  });

  it('sends the fire brigade to each level it may enter, and partner calls with their origin, as the site allows', () => {
    // [from-trunk]: exten => NUMBER,1,Set(SASACD_LINE=line) / same => n,Set(SASACD_ARGS=key=value).
    const entries = context('from-trunk')!.entries.map(([, v]) => v);
    const routes: { number: string; line: string; args: string }[] = [];
    entries.forEach((v, i) => {
      const m = /^([^,]+),1,Set\(SASACD_LINE=([^)]+)\)$/.exec(v);
      if (!m) return;
      const args = /^n,Set\(SASACD_ARGS=([^)]*)\)$/.exec(entries[i + 1] ?? '');
      routes.push({ number: m[1]!, line: m[2]!, args: args?.[1] ?? '' });
    });
    const sdisQueues = routes.filter((r) => r.line === 'sdis' && r.args).map((r) => r.args);
    expect(sdisQueues.sort()).toEqual(['queue=n1', 'queue=n2-amu', 'queue=n2-mg']);
    for (const r of routes) {
      const line = site.lines.find((l) => l.id === r.line)!;
      expect(line, `${r.number}: line ${r.line}`).toBeDefined();
      const [key, value] = r.args.split('=');
      if (key === 'queue')
        expect([line.entryQueue, ...line.directQueues], `${r.number}: ${r.args} on line ${r.line}`).toContain(
          value,
        );
      else if (key === 'origin') {
        expect(
          site.partners.map((p) => p.id),
          `${r.number}: ${r.args}`,
        ).toContain(value);
        expect(line.kind, `${r.number}: a partner's calls are population calls`).toBe('population');
      } else expect(r.args, `${r.number}: no other option`).toBe('');
    }
    expect(routes.some((r) => r.args === 'origin=85')).toBe(true);
  });

  it('rings the fallback N1 group when the app is not connected (STASISSTATUS = FAILED)', () => {
    const entry = context('sasacd-entry')!.entries.map(([, v]) => v);
    const stasisAt = entry.findIndex((v) => v.includes('Stasis(${SASACD_APP},'));
    const failedAt = entry.findIndex((v) =>
      /GotoIf\(\$\["\$\{STASISSTATUS\}" = "FAILED"\]\?acd-away\)/.test(v),
    );
    expect(stasisAt).toBeGreaterThanOrEqual(0);
    expect(entry[stasisAt]).toMatch(/^n\(stasis\),Stasis\(/);
    expect(failedAt).toBeGreaterThan(stasisAt);
    // Whatever else brings the call back from Stasis also ends in the fallback, never in a hang-up.
    expect(entry.slice(failedAt + 1).find((v) => v.includes('Goto('))).toContain('Goto(sasacd-fallback,s,1)');
    // The ACD away (a take-over): ringing, Stasis tried again ACD_RETRY_TIMES times, then the fallback;
    // the abandon handler pushed once, at the first failed try.
    const away = entry.findIndex((v) => v.startsWith('n(acd-away),'));
    expect(away).toBeGreaterThan(failedAt);
    const retry = entry.slice(away);
    expect(retry.join('\n')).toMatch(/hangup_handler_push\)=sasacd-fallback-abandoned,s,1/);
    expect(retry.join('\n')).toMatch(
      /GotoIf\(\$\[\$\{SASACD_ACD_TRIES\} > \$\{ACD_RETRY_TIMES\}\]\?sasacd-fallback,s,1\)/,
    );
    expect(retry).toContain('n,Ringing()');
    expect(entry.at(-1)).toBe('n,Goto(stasis)');

    const fallback = context('sasacd-fallback')!
      .entries.map(([, v]) => v)
      .join('\n');
    expect(fallback).toContain('Answer()');
    // It dials the phones of the N1 group that have a contact (sasacd-fallback-targets).
    expect(fallback).toMatch(/GoSub\(sasacd-fallback-targets,s,1\)/);
    expect(fallback).toMatch(/Dial\(\$\{FALLBACK_TARGETS\},/);
    const targets = context('sasacd-fallback-targets')!
      .entries.map(([, v]) => v)
      .join('\n');
    expect(targets).toContain('${CUT(N1_FALLBACK,&,${i})}');
    expect(targets).toMatch(/DEVICE_STATE\(\$\{phone\}\)/);
    expect(targets).toMatch(/UNAVAILABLE/);
    const group = globals.get('N1_FALLBACK')!.split('&');
    const n1Agents = site.agents.filter((a) => a.endpoint && a.skills.some((s) => s.queue === 'n1'));
    expect(n1Agents.length).toBeGreaterThan(0);
    for (const a of n1Agents) expect(group, `${a.id} in N1_FALLBACK`).toContain(a.endpoint);
    expect(
      group.some((e) => endpoints.get(e.replace('PJSIP/', ''))?.get('webrtc').at(-1) !== 'yes'),
      'a desk phone too',
    ).toBe(true);
    expect(globals.get('FALLBACK_MOH')).toBe('default');
  });

  it('has the partner-sas context with every partner destination, and a way out through the trunk', () => {
    // ari-adapter.ts: redirectToPartner does `continue` to context partner-sas, extension = destination.
    const partner = context('partner-sas')!
      .entries.filter(([k]) => k === 'exten')
      .map(([, v]) => v.split(',')[0]);
    for (const p of site.partners) expect(partner, `partner ${p.id}`).toContain(p.destination);
    expect(partner).toContain('i'); // an unknown destination goes back to the ACD, not to a hang-up
    const outbound = context('outbound')!
      .entries.map(([, v]) => v)
      .join('\n');
    expect(outbound).toContain('@trunk');
    expect(context('from-agents')!.entries).toContainEqual(['include', 'outbound']);
  });

  it('lets the room call 115 and every partner SAS by name, through the trunk', () => {
    expect(context('outbound')!.entries).toContainEqual(['include', 'sasacd-outside-numbers']);
    const outside = context('sasacd-outside-numbers')!.entries;
    const first = (exten: string) => outside.find(([k, v]) => k === 'exten' && v.startsWith(`${exten},1,`));
    expect(first('115')).toBeDefined();
    expect(outside.map(([, v]) => v).join('\n')).toContain('Dial(PJSIP/115@trunk,');
    for (const p of site.partners) {
      expect(first(`partner-${p.id}`), `partner-${p.id}`).toBeDefined();
      expect(globals.get(`PARTNER_${p.id}_NUMBER`), `PARTNER_${p.id}_NUMBER`).toMatch(/^0\d{9}$/);
      expect(outside.map(([, v]) => v).join('\n')).toContain(`Dial(PJSIP/\${PARTNER_${p.id}_NUMBER}@trunk,`);
    }
  });

  it("refuses a call beyond its line's trunk channels with congestion, through the app first", () => {
    const limit = context('sasacd-trunk-limit')!.entries.map(([, v]) => v);
    const argsAt = limit.findIndex((v) => v.includes('Set(SASACD_ARGS=refused=trunk-full)'));
    const stasisAt = limit.findIndex((v) =>
      v.includes('Stasis(${SASACD_APP},${SASACD_LINE},${SASACD_ARGS})'),
    );
    expect(argsAt).toBeGreaterThan(0);
    expect(stasisAt).toBeGreaterThan(argsAt);
    const congestionAt = limit.findIndex((v) => v.startsWith('n,Congestion('));
    expect(limit[0]).toContain('Set(GROUP(sasacd-trunk)=${SASACD_LINE})');
    expect(limit.join('\n')).toContain('GROUP_COUNT(${SASACD_LINE}@sasacd-trunk)');
    expect(stasisAt).toBeGreaterThan(0);
    expect(congestionAt).toBeGreaterThan(stasisAt);
    // The channels per line are set for lines the site has.
    const lines = new Set(site.lines.map((l) => l.id));
    const trunks = [...globals.keys()].filter((k) => k.startsWith('SASACD_TRUNK_'));
    expect(trunks.length).toBeGreaterThan(0);
    for (const k of trunks) expect(lines.has(k.slice('SASACD_TRUNK_'.length)), k).toBe(true);
  });
});

describe('asterisk-config: quiet, self-cleaning, usable in a lab as it is', () => {
  it('keeps the fallback quiet while the group is unregistered: no log line of its own per round', () => {
    // Dialling an endpoint without contact logs errors for each one at every round; the fallback
    // dials only reachable phones, and says what it does at verbose level, never at NOTICE or above.
    for (const name of ['sasacd-fallback', 'sasacd-fallback-targets']) {
      const text = context(name)!
        .entries.map(([, v]) => v)
        .join('\n');
      expect(text, name).not.toMatch(/\bLog\(/);
      expect(text.match(/Verbose\((\d),/g) ?? [], name).toEqual(
        (text.match(/Verbose\((\d),/g) ?? []).filter((v) => /Verbose\([1-4],/.test(v)),
      );
    }
    const fallback = context('sasacd-fallback')!.entries.map(([, v]) => v);
    // One Stasis() retry per round: Asterisk's own "not active" ERROR is the only line left.
    expect(fallback.filter((v) => v.includes('Stasis(${SASACD_APP},'))).toHaveLength(1);
    const wait = fallback.find((v) => v.startsWith('n(wait),MusicOnHold('));
    expect(wait, 'waits with music when no phone is reachable').toBeDefined();
    expect(Number(globals.get('FALLBACK_WAIT_SECONDS'))).toBeGreaterThanOrEqual(5);
  });

  it('ends a dead channel by itself: rtp_timeout and rtp_keepalive on every endpoint', () => {
    expect(endpoints.size).toBeGreaterThan(10);
    for (const ep of endpoints.values()) {
      const timeout = Number(ep.get('rtp_timeout').at(-1));
      const keepalive = Number(ep.get('rtp_keepalive').at(-1));
      const hold = Number(ep.get('rtp_timeout_hold').at(-1));
      expect(timeout, `rtp_timeout of ${ep.name}`).toBeGreaterThan(0);
      expect(keepalive, `rtp_keepalive of ${ep.name}`).toBeGreaterThan(0);
      expect(keepalive, `${ep.name}: keepalives well inside the timeout`).toBeLessThan(timeout / 2);
      expect(hold, `rtp_timeout_hold of ${ep.name}`).toBeGreaterThanOrEqual(timeout);
    }
    // Real far ends send RTP all call long: a minute without it is a dead channel.
    for (const name of ['trunk', 'arm-1', 'secours-1'])
      expect(Number(endpoints.get(name)!.get('rtp_timeout').at(-1)), name).toBeLessThanOrEqual(60);
  });

  it('opens its keys from one documented place', () => {
    const keyOptions =
      /^(cert_file|priv_key_file|dtls_cert_file|dtls_private_key|tlscertfile|tlsprivatekey)$/;
    const paths = [
      ...pjsip.flatMap((o) => [
        ...o.get('cert_file'),
        ...o.get('priv_key_file'),
        ...o.get('dtls_cert_file'),
        ...o.get('dtls_private_key'),
      ]),
      ...parseConf('http.conf').flatMap((sec) =>
        sec.entries.filter(([k]) => keyOptions.test(k)).map(([, v]) => v),
      ),
    ];
    expect(paths.length).toBeGreaterThanOrEqual(6);
    // Asterisk opens them as written (a relative path follows its working directory): one prefix,
    // which the README tells how to change with another configuration directory.
    for (const p of paths) expect(p).toMatch(/^\/etc\/asterisk\/keys\/asterisk\.(crt|key)$/);
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    expect(readme).toMatch(/## Key paths/);
    expect(readme).toContain('/etc/asterisk/keys/');
  });

  it('lab file: usable on 127.0.0.1 without editing (no host name to resolve)', () => {
    const lab = parseConf('pjsip-loadtest.conf');
    const contacts = lab.flatMap((sec) => sec.entries.filter(([k]) => k === 'contact').map(([, v]) => v));
    expect(contacts).toHaveLength(10);
    for (const c of contacts) expect(c).toMatch(/^sip:load-agent-\d+@127\.0\.0\.1:5080$/);
    const callers = pjsip.find((o) => o.type === 'identify' && o.name === 'loadtest-callers');
    expect(callers?.get('match')).toContain('127.0.0.1');
    expect(compose).not.toContain('sipp-host');
  });

  it("lab only: app_queue's queue beside the ACD rings the lab's sipp phones", () => {
    const lab = context('lab-app-queue')!.entries.map(([, v]) => v);
    const queue = /Queue\(([^,)]+)/.exec(lab.join('\n'))?.[1];
    expect(queue).toBe('lab-15');
    const q = parseConf('queues.conf').find((sec) => sec.name === queue)!;
    expect(q.entries).toContainEqual(['strategy', 'leastrecent']);
    const members = q.entries.filter(([k]) => k === 'member').map(([, v]) => v);
    expect(members.length).toBeGreaterThanOrEqual(6);
    const labEndpoints = new Set(
      parseConf('pjsip-loadtest.conf')
        .filter((sec) => !sec.template)
        .map((sec) => sec.name),
    );
    for (const m of members) expect(labEndpoints.has(m.replace('PJSIP/', '')), m).toBe(true);
    // reached only through the lab include, marked as such
    const text = readFileSync(join(DIR, 'extensions.conf'), 'utf8');
    expect(text).toMatch(/LAB ONLY[^\n]*\n[^\n]*\n#include extensions-lab\.conf/);
    expect(readFileSync(join(DIR, 'queues.conf'), 'utf8')).toMatch(/LAB ONLY/);
  });

  it('loads no module that only warns: deprecated ones and those wanting a config not shipped are noload', () => {
    const mods = parseConf('modules.conf').find((sec) => sec.name === 'modules')!.entries;
    const noload = new Set(mods.filter(([k]) => k === 'noload').map(([, v]) => v));
    const required = mods.filter(([k]) => k === 'require').map(([, v]) => v);
    // Deprecated in Asterisk 22 (a warning at every start with autoload).
    for (const m of ['res_adsi.so', 'app_adsiprog.so', 'app_getcpeid.so']) expect(noload).toContain(m);
    // Built by default, unused here, and without the .conf they want (which is not shipped).
    const shipped = new Set(readdirSync(DIR).filter((f) => f.endsWith('.conf')));
    for (const [m, conf] of [
      ['app_voicemail.so', 'voicemail.conf'],
      ['app_minivm.so', 'minivm.conf'],
      ['app_followme.so', 'followme.conf'],
      ['app_agent_pool.so', 'agents.conf'],
      ['chan_iax2.so', 'iax.conf'],
      ['chan_unistim.so', 'unistim.conf'],
      ['pbx_dundi.so', 'dundi.conf'],
      ['res_smdi.so', 'smdi.conf'],
      ['res_statsd.so', 'statsd.conf'],
      ['res_hep.so', 'hep.conf'],
      ['res_phoneprov.so', 'phoneprov.conf'],
      ['res_config_sqlite3.so', 'res_config_sqlite3.conf'],
      ['cdr_custom.so', 'cdr_custom.conf'],
      ['cel_custom.so', 'cel_custom.conf'],
    ] as const) {
      expect(shipped.has(conf), `${conf} is not shipped`).toBe(false);
      expect(noload, m).toContain(m);
    }
    // Unused PJSIP/ARI parts that want a .conf of their own.
    for (const m of [
      'res_pjsip_config_wizard.so',
      'res_pjsip_notify.so',
      'res_geolocation.so',
      'chan_websocket.so',
    ])
      expect(noload).toContain(m);
    // The core (and res_ari's required res_websocket_client, res_pjproject) read these at every
    // start: they are shipped, CDR, CEL and AMI off.
    for (const f of [
      'cdr.conf',
      'cel.conf',
      'features.conf',
      'ccss.conf',
      'acl.conf',
      'udptl.conf',
      'manager.conf',
      'pjproject.conf',
      'websocket_client.conf',
    ])
      expect(shipped.has(f), f).toBe(true);
    for (const [f, key, value] of [
      ['cdr.conf', 'enable', 'no'],
      ['cel.conf', 'enable', 'no'],
      ['manager.conf', 'enabled', 'no'],
    ] as const)
      expect(parseConf(f).find((sec) => sec.name === 'general')?.entries, f).toContainEqual([key, value]);
    // Nothing needed is kept out: no module both required and noload, and every application and
    // function the dialplan uses comes from the core or from a module that loads.
    for (const m of required) expect(noload.has(m), m).toBe(false);
    const moduleOf: Record<string, string | null> = {
      Answer: null,
      Set: null,
      Goto: null,
      GotoIf: null,
      NoOp: null,
      Hangup: null,
      Wait: null,
      Ringing: null,
      Dial: 'app_dial.so',
      Stasis: 'app_stasis.so',
      MusicOnHold: 'res_musiconhold.so',
      Log: 'app_verbose.so',
      Verbose: 'app_verbose.so',
      GoSub: 'app_stack.so',
      Return: 'app_stack.so',
      While: 'app_while.so',
      EndWhile: 'app_while.so',
      Queue: 'app_queue.so',
      CALLERID: 'func_callerid.so',
      FIELDQTY: 'func_strings.so',
      CUT: 'func_cut.so',
      DEVICE_STATE: 'func_devstate.so',
      IF: 'func_logic.so',
      LOCAL: 'app_stack.so',
      ExecIf: 'app_exec.so',
      STRFTIME: 'func_strings.so',
      URIENCODE: 'func_uri.so',
      CHANNEL: 'func_channel.so',
      DB_DELETE: 'func_db.so',
      Congestion: null,
      GROUP_COUNT: 'func_groupcount.so',
    };
    const used = new Set<string>();
    for (const sec of dialplan)
      for (const [k, v] of sec.entries) {
        if (k !== 'exten' && k !== 'same') continue;
        // exten => <pattern>,<priority>,App(...)   same => n[(label)],App(...)
        const body = k === 'exten' ? v.split(',').slice(2).join(',') : v.replace(/^n(\([a-z-]+\))?,/, '');
        const app = /^([A-Za-z]+)\(/.exec(body);
        if (app) used.add(app[1]!);
        for (const f of v.matchAll(/\$\{([A-Z_]+)\(/g)) used.add(f[1]!);
      }
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) {
      expect(name in moduleOf, `${name}: which module provides it?`).toBe(true);
      const m = moduleOf[name];
      if (m) expect(noload.has(m), `${name} needs ${m}`).toBe(false);
    }
  });
});

describe('asterisk-config: ARI, HTTP, music, RTP, modules, against docker-compose.yml', () => {
  it('has the ARI user the ACD connects as, able to originate, and one Stasis app everywhere', () => {
    const ari = parseConf('ari.conf');
    expect(ari.find((s) => s.name === 'general')?.entries).toContainEqual(['enabled', 'yes']);
    const user = ari.find((s) => s.name === composeDefault('ARI_USER'));
    expect(user, `ari.conf user ${composeDefault('ARI_USER')}`).toBeDefined();
    const get = (k: string) => user!.entries.find(([key]) => key === k)?.[1];
    expect(get('type')).toBe('user');
    expect(get('read_only')).toBe('no');
    expect(get('password')).toBe(composeDefault('ARI_PASSWORD'));
    expect(composeDefault('ARI_APP')).toBe('sasacd');
    expect(compose).toMatch(
      /['"]npx['"],\s*['"]sas-acd['"],\s*['"]sim-pbx['"],\s*['"]--port['"],\s*['"]8088['"]/,
    );
  });

  it('serves ARI on HTTP and WSS on TLS with certificates from keys/', () => {
    const http = new Map(parseConf('http.conf').find((s) => s.name === 'general')!.entries);
    expect(http.get('enabled')).toBe('yes');
    expect(http.get('bindport')).toBe('8088');
    expect(http.get('tlsenable')).toBe('yes');
    expect(http.get('tlsbindaddr')).toMatch(/:8089$/);
    expect(http.get('tlscertfile')).toMatch(/^\/etc\/asterisk\/keys\//);
    expect(compose).toContain('./asterisk-config:/etc/asterisk:ro');
  });

  it('has the music class of every queue, with files to play', () => {
    const moh = parseConf('musiconhold.conf');
    for (const q of site.queues) {
      const cls = moh.find((s) => s.name === q.music);
      expect(cls, `music class ${q.music} of queue ${q.id}`).toBeDefined();
      const dir = cls!.entries.find(([k]) => k === 'directory')![1];
      expect(existsSync(inConfigDir(dir)), dir).toBe(true);
      expect(readdirSync(inConfigDir(dir)).some((f) => /\.(wav|alaw|ulaw|sln\d*|gsm)$/.test(f))).toBe(true);
    }
    const wav = readFileSync(join(DIR, 'moh/attente.wav'));
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(8000); // 8 kHz
  });

  it('publishes exactly the RTP range of rtp.conf', () => {
    const rtp = new Map(parseConf('rtp.conf').find((s) => s.name === 'general')!.entries);
    const range = `${rtp.get('rtpstart')}-${rtp.get('rtpend')}`;
    expect(compose).toMatch(new RegExp(`['"]${range}:${range}/udp['"]`));
  });

  it('requires the modules of the ACD path and loads no other dialplan language', () => {
    const mods = parseConf('modules.conf').find((s) => s.name === 'modules')!.entries;
    const required = mods.filter(([k]) => k === 'require').map(([, v]) => v);
    for (const m of [
      'res_pjsip.so',
      'chan_pjsip.so',
      'res_ari.so',
      'res_stasis.so',
      'app_stasis.so',
      'pbx_config.so',
      'app_dial.so',
      'res_musiconhold.so',
    ])
      expect(required).toContain(m);
    expect(mods).toContainEqual(['autoload', 'yes']);
    expect(mods).toContainEqual(['noload', 'pbx_ael.so']);
  });
});
