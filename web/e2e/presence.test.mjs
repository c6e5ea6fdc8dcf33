// One user in two tabs, another user watching: closing one tab keeps them
// online, closing both shows them offline, without any refresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, contextFor, messageBodies, newUser, openPage, send, shot, until, useServerAndBrowser } from './harness.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

// Two new users and the DM between them (opened by Bo).
async function anaAndBoInADm() {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const { conversation: dm } = await api(server, 'POST', '/api/direct-messages', {
    token: bo.token,
    body: { participant_ids: [ana.user.id] },
  });
  return { ana, bo, dm };
}

async function partnerStatus(page, roomId) {
  return page.locator(`[data-testid="room-link"][data-room-id="${roomId}"] .presence`).getAttribute('data-status');
}

test('presence follows the last open tab', async () => {
  const { ana, bo, dm } = await anaAndBoInADm();

  const cb = await contextFor(browser, bo);
  const watcher = await openPage(cb, server, `#/r/${dm.id}`);
  await until(async () => (await partnerStatus(watcher, dm.id)) === 'offline', 'Ana offline at first');

  const ca = await contextFor(browser, ana);
  const tab1 = await openPage(ca, server, `#/r/${dm.id}`);
  const tab2 = await openPage(ca, server, `#/r/${dm.id}`);
  await until(async () => (await partnerStatus(watcher, dm.id)) === 'online', 'Ana online');
  await shot(watcher, 'direct-message');

  await tab1.close();
  // A message sent after the close reaches Bo after any presence change the
  // close caused, so checking presence once it arrives is not a race.
  await send(tab2, 'still here');
  await until(async () => (await messageBodies(watcher)).includes('still here'), 'message from the remaining tab');
  assert.equal(await partnerStatus(watcher, dm.id), 'online');
  // Bo has the DM on screen, so it is read; Ana's tab shows it as seen.
  await until(async () => (await tab2.getByTestId('seen-mark').count()) === 1, 'read receipt at Ana');
  assert.equal(await watcher.locator('.room-header .presence').getAttribute('data-status'), 'online');

  await tab2.close();
  await until(async () => (await partnerStatus(watcher, dm.id)) === 'offline', 'Ana offline after the last tab closed');
  await until(async () => (await watcher.locator('.room-header .presence').getAttribute('data-status')) === 'offline', 'header shows offline');
  await ca.close();
  await cb.close();
});

test('an idle tab reports away; input brings the user back online', async () => {
  const { ana, bo, dm } = await anaAndBoInADm();
  const cb = await contextFor(browser, bo);
  const watcher = await openPage(cb, server, `#/r/${dm.id}`);
  const ca = await contextFor(browser, ana);
  await ca.addInitScript(() => localStorage.setItem('parlor.idleMs', '1500'));
  const tab = await openPage(ca, server, `#/r/${dm.id}`);
  await until(async () => (await partnerStatus(watcher, dm.id)) === 'away', 'Ana away after idling', 15000);
  await tab.mouse.move(200, 200);
  await tab.mouse.move(240, 260);
  await until(async () => (await partnerStatus(watcher, dm.id)) === 'online', 'Ana online again after input');
  await ca.close();
  await cb.close();
});

