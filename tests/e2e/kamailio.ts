// A real SIP stack on loopback for the WebRTC phone's test: Debian's kamailio (with its websocket
// module) as a registrar and proxy over plain WebSocket on 127.0.0.1, on a free port, in its own
// scratch folder. It listens on loopback only, for the test's lifetime; given passwords, it asks
// REGISTERs for them (digest, as Asterisk asks its WebRTC endpoints), otherwise no authentication.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KAMAILIO = '/usr/sbin/kamailio';
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules';
export const hasKamailio = existsSync(KAMAILIO) && existsSync(join(MODULES, 'websocket.so'));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** A REGISTER is challenged, then accepted with its user's password only. */
const registerAuth = (passwords: Record<string, string>) => `
    $var(pw) = "";
${Object.entries(passwords)
  .map(([user, pw]) => `    if ($au == "${user}") $var(pw) = "${pw}";`)
  .join('\n')}
    if ($var(pw) == "" || !pv_www_authenticate("$td", "$var(pw)", "0")) { www_challenge("$td", "0"); exit; }
    consume_credentials();`;

const config = (port: number, dir: string, passwords: Record<string, string> | null) => `#!KAMAILIO
debug=2
log_stderror=yes
children=2
tcp_children=2
listen=tcp:127.0.0.1:${port}
tcp_accept_no_cl=yes
auto_aliases=no
mpath="${MODULES}/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
loadmodule "nathelper.so"
loadmodule "ctl.so"
${passwords ? 'loadmodule "auth.so"' : ''}
modparam("ctl", "binrpc", "unix:${dir}/ctl")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("registrar", "received_avp", "$avp(RECEIVED)")
request_route {
  if (nat_uac_test("64")) {
    force_rport();
    if (is_method("REGISTER")) fix_nated_register(); else add_contact_alias();
  }
  if (is_method("REGISTER")) {${passwords ? registerAuth(passwords) : ''}
    save("location"); exit;
  }
  if (has_totag()) {
    if (loose_route()) { handle_ruri_alias(); t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) t_relay(); exit; }
    sl_send_reply("404", "Not here"); exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  record_route();
  if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
  handle_ruri_alias();
  t_relay();
}
onreply_route {
  if (nat_uac_test("64")) add_contact_alias();
}
event_route[xhttp:request] {
  if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
    if (ws_handle_handshake()) exit;
  }
  xhttp_reply("404", "Not Found", "", "");
}
`;

export type Kamailio = { wsUrl: string; stop(): Promise<void> };

export async function startKamailio(options: { passwords?: Record<string, string> } = {}): Promise<Kamailio> {
  const dir = mkdtempSync(join(tmpdir(), 'kamailio-'));
  const port = await freePort();
  writeFileSync(join(dir, 'kamailio.cfg'), config(port, dir, options.passwords ?? null));
  const pidFile = join(dir, 'kamailio.pid');
  // Daemonised (its own process group of children); stopped by the pid it writes.
  const child = spawn(KAMAILIO, ['-f', join(dir, 'kamailio.cfg'), '-P', pidFile, '-Y', dir, '-E'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (exited !== 0) throw new Error(`kamailio exited ${exited}:\n${log}`);
  const started = Date.now();
  while (!existsSync(pidFile) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  return {
    wsUrl: `ws://127.0.0.1:${port}/`,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
