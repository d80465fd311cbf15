// The regulation room in Debian's chromium: the agent panels by role and the supervisor console
// against the real ACD server (API, live feeds, the built web UI), keyboard only where an agent
// works, no console error on any page. Screenshots go to .tmp/screens (test artifacts).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch } from './browser.js';
import { keyboardLogin, openPage, SHOTS, startRoom, type Room } from './room-harness.js';

let room: Room;
let browser: Browser;
const pages: { page: Page; errors: string[]; user: string }[] = [];

async function agentPage(user: string) {
  const p = { ...(await openPage(browser, `${room.url}/arm.html`)), user };
  pages.push(p);
  await keyboardLogin(p.page, user);
  await p.page.locator('[data-testid=status]').waitFor();
  return p.page;
}
const status = (page: Page) => page.textContent('[data-testid=status]');

describe.skipIf(!hasChromium)('the room in chromium', () => {
  beforeAll(async () => {
    room = await startRoom();
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await room?.stop();
  });

  it('N1 takes a call with the keyboard, types the DRM, P1 with one key; the N2 AMU panel gets it with its context and passes it to the doctor', async () => {
    const n1 = await agentPage('arm-1');
    const n2 = await agentPage('arm-5');
    for (const page of [n1, n2]) {
      await page.keyboard.press('c');
      await expect.poll(() => status(page)).toContain('Disponible');
    }
    expect(await room.rest('mru-1', 'POST', '/sites/44/agent/login')).toMatchObject({ status: 200 });

    await room.arrive('c-n1', '0612345678', 'Jeanne Martin');
    await expect.poll(() => status(n1), { timeout: 20_000 }).toContain('Sonnerie');
    await n1.keyboard.press('Enter');
    await expect.poll(() => status(n1), { timeout: 20_000 }).toContain('En appel');
    expect(await n1.textContent('[data-testid=call]')).toContain('Centre 15'); // the line's label, not its id
    expect(await n1.textContent('[data-testid=caller]')).toContain('0612345678');

    // An empty DRM name is refused before the transfer, and the name field gets the focus.
    await n1.keyboard.press('n');
    await expect.poll(() => n1.evaluate(() => document.activeElement?.id)).toBe('drm-name');
    await n1.keyboard.press('Control+a');
    await n1.keyboard.press('Backspace');
    await expect.poll(() => n1.inputValue('#drm-name')).toBe('');
    await n1.keyboard.press('Escape');
    await expect.poll(() => n1.evaluate(() => document.activeElement?.id)).not.toBe('drm-name');
    await n1.keyboard.press('1');
    await expect.poll(() => n1.textContent('[data-testid=message]')).toContain('Renseignez le nom');
    expect(await n1.evaluate(() => document.activeElement?.id)).toBe('drm-name');
    expect(room.runtime.state.data.calls['c-n1']!.qualification).toBeNull();
    await n1.keyboard.type('Jeanne');
    // Live re-renders (the talk time ticks every second) keep the focus and the text being typed.
    const talk = await n1.textContent('[data-testid=talk]');
    await expect.poll(() => n1.textContent('[data-testid=talk]'), { timeout: 20_000 }).not.toBe(talk);
    await n1.keyboard.type(' MARTIN');
    expect(await n1.evaluate(() => document.activeElement?.id)).toBe('drm-name');
    expect(await n1.inputValue('#drm-name')).toBe('Jeanne MARTIN');
    await n1.screenshot({ path: `${SHOTS}/panel-n1.png` });
    await n1.keyboard.press('Escape');
    await n1.keyboard.press('1');
    await expect.poll(() => n1.textContent('[data-testid=message]'), { timeout: 20_000 }).toContain('P1');

    await expect.poll(() => status(n2), { timeout: 20_000 }).toContain('Sonnerie');
    await n2.keyboard.press('Enter');
    await expect.poll(() => status(n2), { timeout: 20_000 }).toContain('En appel');
    const card = await n2.textContent('[data-testid=call]');
    expect(card).toContain('Centre 15');
    expect(card).toContain('P1');
    expect(await n2.textContent('[data-testid=drm]')).toContain('Jeanne MARTIN');
    expect(await n2.textContent('[data-testid=drm]')).toContain('0612345678');
    expect(await n2.textContent('[data-testid=qualified-by]')).toMatch(/Qualifié P1 par ARM 1 à 10:0\d/);
    // N2 sees its own step's actions, not the N1 qualification keys.
    expect(await n2.locator('button[data-action=P1]').count()).toBe(0);
    await n2.screenshot({ path: `${SHOTS}/panel-n2-amu.png` });

    await n2.keyboard.press('v');
    await expect
      .poll(() => room.runtime.state.data.calls['c-n1']?.pending?.queueId, { timeout: 20_000 })
      .toBe('reg-amu');
    await expect.poll(() => n2.textContent('[data-testid=message]')).toContain('Régulation AMU');
    expect((await room.runtime.dispatch({ type: 'callerHungUp', callId: 'c-n1' })).ok).toBe(true);
  }, 120_000);

  it('P0: the doctor ringing then joined is shown, and leaving before the doctor joins asks first', async () => {
    const n1 = await agentPage('arm-2');
    await n1.keyboard.press('c');
    await expect.poll(() => status(n1)).toContain('Disponible');
    await expect.poll(() => room.runtime.state.data.agents['mru-1']?.status).toBe('available');
    await room.arrive('c-p0', '0240000000', null);
    await expect.poll(() => status(n1), { timeout: 20_000 }).toContain('Sonnerie');
    await n1.keyboard.press('Enter');
    await expect.poll(() => status(n1), { timeout: 20_000 }).toContain('En appel');
    await n1.keyboard.press('0');
    await expect
      .poll(() => n1.textContent('[data-testid=doctor]'), { timeout: 20_000 })
      .toContain('sonnerie');
    await n1.screenshot({ path: `${SHOTS}/panel-p0-ringing.png` });

    await n1.keyboard.press('r');
    await n1.locator('dialog[open]').waitFor();
    expect(await n1.textContent('dialog[open]')).toContain('n’a pas encore rejoint');
    await n1.screenshot({ path: `${SHOTS}/panel-p0-leave.png` });
    await n1.keyboard.press('Escape');
    await expect.poll(() => n1.locator('dialog[open]').count()).toBe(0);
    expect(room.runtime.state.data.calls['c-p0']!.parties.map((p) => p.agentId)).toContain('arm-2');

    expect((await room.rest('mru-1', 'POST', '/sites/44/calls/c-p0/answer')).status).toBe(200);
    await expect
      .poll(() => n1.textContent('[data-testid=doctor]'), { timeout: 20_000 })
      .toContain('Médecin en ligne');
    expect(await n1.textContent('[data-testid=participants]')).toContain('Médecin régulateur urgentiste');
  }, 120_000);

  it('MG: P2 reaches the OSNP, who passes it to the GP regulator, who ends it with a disposition; a callback is claimed', async () => {
    // The ARMs of the earlier tests (still logged in, idle longer, or in wrap-up): off their seats,
    // so this call goes to arm-3 whatever order and timing the tests run in.
    for (const [id, agent] of Object.entries(room.runtime.state.data.agents))
      if (id.startsWith('arm-') && id !== 'arm-3' && !['logged-out', 'on-call'].includes(agent.status))
        expect((await room.runtime.dispatch({ type: 'agentLogout', agentId: id })).ok).toBe(true);
    const n1 = await agentPage('arm-3');
    const osnp = await agentPage('osnp-1');
    const mrg = await agentPage('mrg-1');
    for (const page of [n1, osnp, mrg]) {
      await page.keyboard.press('c');
      await expect.poll(() => status(page)).toContain('Disponible');
    }
    await room.arrive('c-mg', '0655555555', 'Paul Durand');
    await expect.poll(() => status(n1), { timeout: 20_000 }).toContain('Sonnerie');
    await n1.keyboard.press('Enter');
    await expect.poll(() => status(n1), { timeout: 20_000 }).toContain('En appel');
    await n1.keyboard.press('2');
    // The OSNP, first on N2 MG, answers and passes the call on to the GP regulator (V).
    const ringing = async () =>
      (await status(osnp))?.includes('Sonnerie')
        ? osnp
        : (await status(mrg))?.includes('Sonnerie')
          ? mrg
          : null;
    await expect.poll(ringing, { timeout: 20_000 }).not.toBeNull();
    const n2 = (await ringing())!;
    await n2.keyboard.press('Enter');
    await expect.poll(() => status(n2), { timeout: 20_000 }).toContain('En appel');
    expect(await n2.textContent('[data-testid=call]')).toContain('P2');
    expect(await n2.textContent('[data-testid=drm]')).toContain('Paul Durand');
    await n2.screenshot({ path: `${SHOTS}/panel-n2-mg.png` });
    if (n2 === osnp) {
      await osnp.keyboard.press('v');
      await expect.poll(() => status(mrg), { timeout: 20_000 }).toContain('Sonnerie');
      await mrg.keyboard.press('Enter');
      await expect.poll(() => status(mrg), { timeout: 20_000 }).toContain('En appel');
    }
    await mrg.keyboard.press('1'); // the site's first disposition
    await expect
      .poll(() => mrg.textContent('[data-testid=message]'), { timeout: 20_000 })
      .toContain('Conseil médical');
    await expect.poll(() => room.runtime.state.data.calls['c-mg']).toBeUndefined();

    // A caller waiting at N2 MG accepts a callback: the task shows on the worklist and is claimed.
    for (const p of [osnp, mrg]) await p.keyboard.press('p');
    for (const p of [osnp, mrg]) {
      await p.locator('dialog[open]').waitFor();
      await p.keyboard.press('1');
      await expect.poll(() => status(p)).toContain('En pause');
    }
    await room.arrive('c-cb', '0666666666', 'Marie Petit');
    await expect.poll(() => status(n1), { timeout: 20_000 }).toContain('Sonnerie');
    await n1.keyboard.press('Enter');
    await expect.poll(() => status(n1), { timeout: 20_000 }).toContain('En appel');
    await n1.keyboard.press('2');
    await expect
      .poll(() => room.runtime.state.data.calls['c-cb']?.pending?.queueId, { timeout: 20_000 })
      .toBe('n2-mg');
    expect((await room.rest('sup-1', 'POST', '/sites/44/calls/c-cb/callback', {})).status).toBe(200);
    const task = osnp.locator('[data-testid=callbacks] li', { hasText: 'Marie Petit' });
    await task.getByRole('button', { name: 'Prendre' }).click({ timeout: 10_000 });
    await expect.poll(() => task.textContent(), { timeout: 20_000 }).toContain('Pris par vous');
    expect(Object.values(room.runtime.state.data.callbacks ?? {}).map((t) => t.claimedBy)).toContain(
      'osnp-1',
    );
  }, 150_000);

  it('N1 chooses the queue and a warm transfer with the keyboard; the ARM stays until the regulator answers, who sees who qualified', async () => {
    // Whatever ran before: arm-3 the only N1 ARM available, the GP regulator paused, the OSNP out.
    for (const [id, agent] of Object.entries(room.runtime.state.data.agents))
      if (id !== 'arm-3' && id !== 'mrg-1' && !['logged-out', 'on-call'].includes(agent.status))
        expect((await room.runtime.dispatch({ type: 'agentLogout', agentId: id })).ok).toBe(true);
    const arm3 = pages.find((p) => p.user === 'arm-3')?.page ?? (await agentPage('arm-3'));
    const mrg = pages.find((p) => p.user === 'mrg-1')?.page ?? (await agentPage('mrg-1'));
    for (const [page, id] of [
      [arm3, 'arm-3'],
      [mrg, 'mrg-1'],
    ] as const) {
      const s = room.runtime.state.data.agents[id]!.status;
      if (s === 'logged-out') await room.runtime.dispatch({ type: 'agentLogin', agentId: id });
      if (s !== 'available') await room.runtime.dispatch({ type: 'agentReady', agentId: id });
      await expect.poll(() => status(page)).toContain('Disponible');
    }
    await room.runtime.dispatch({ type: 'agentPause', agentId: 'mrg-1', reason: 'Pause' });
    await expect.poll(() => status(mrg)).toContain('En pause');
    await room.arrive('c-warm', '0677777777', 'Luc Bernard');
    await expect.poll(() => status(arm3), { timeout: 20_000 }).toContain('Sonnerie');
    await arm3.keyboard.press('Enter');
    await expect.poll(() => status(arm3), { timeout: 20_000 }).toContain('En appel');

    // F: the destination, picked by its digit; A: warm. Both said on their buttons.
    await arm3.keyboard.press('f');
    const dialog = arm3.locator('[data-testid=target-dialog]');
    await dialog.waitFor({ timeout: 20_000 });
    const digit = (await dialog
      .locator('button[data-queue=reg-mg] kbd')
      .textContent({ timeout: 20_000 }))!.trim();
    await arm3.keyboard.press(digit);
    await expect.poll(() => arm3.locator('dialog[open]').count()).toBe(0);
    await arm3.keyboard.press('a');
    const onward = () => arm3.textContent('[data-testid=onward]');
    await expect.poll(onward).toContain('Destination : Régulation MG');
    await expect.poll(onward).toContain('Transfert accompagné : oui');
    expect(await arm3.textContent('button[data-action=P2]')).toContain('P2 → Régulation MG');
    await arm3.keyboard.press('2');
    await expect
      .poll(() => arm3.textContent('[data-testid=message]'), { timeout: 20_000 })
      .toContain('transfert accompagné vers Régulation MG');
    const pending = () => room.runtime.state.data.calls['c-warm']?.pending;
    expect(pending()).toMatchObject({ queueId: 'reg-mg', kind: 'warm' });
    // The ARM stays with the caller, and is told so, until the regulator answers.
    await expect
      .poll(() => arm3.textContent('[data-testid=warm]'), { timeout: 20_000 })
      .toContain('restez en ligne');
    expect(await status(arm3)).toContain('En appel');
    // Qualified and sent: no qualification or destination key is left (the engine would refuse
    // them), a key of one does nothing; leaving the call is the only action.
    expect(
      await arm3.locator('button[data-action=P1], button[data-action=P2], [data-testid=onward]').count(),
    ).toBe(0);
    expect(await arm3.textContent('[data-testid=warm-keys]')).toContain(
      'Quitter l’appel (l’appelant reste en file)',
    );
    await arm3.keyboard.press('1');
    await arm3.keyboard.press('3');
    expect(await arm3.textContent('[data-testid=message]')).not.toMatch(/impossible|refus|déjà/i);
    expect(pending()).toMatchObject({ queueId: 'reg-mg', kind: 'warm' });
    expect(room.runtime.state.data.calls['c-warm']?.qualification).toBe('P2');
    await arm3.screenshot({ path: `${SHOTS}/panel-n1-warm.png` });

    await mrg.keyboard.press('d');
    await expect.poll(() => status(mrg), { timeout: 20_000 }).toContain('Sonnerie');
    await mrg.keyboard.press('Enter');
    await expect.poll(() => status(mrg), { timeout: 20_000 }).toContain('En appel');
    await expect
      .poll(() => room.runtime.state.data.calls['c-warm']?.parties.map((p) => p.agentId), { timeout: 20_000 })
      .toEqual(['mrg-1']);
    await expect.poll(() => status(arm3), { timeout: 20_000 }).not.toContain('En appel');
    expect(await mrg.textContent('[data-testid=qualified-by]')).toMatch(/Qualifié P2 par ARM 3 à 10:\d\d/);
    await mrg.screenshot({ path: `${SHOTS}/panel-n2-qualified-by.png` });
    await mrg.keyboard.press('1');
    await expect.poll(() => room.runtime.state.data.calls['c-warm']).toBeUndefined();
  }, 120_000);

  it('no page logged a console error', () => {
    // Each error with the page's user, so a failure says where it came from.
    expect(pages.flatMap((p) => p.errors.map((e) => `${p.user}: ${e}`))).toEqual([]);
  });
});
