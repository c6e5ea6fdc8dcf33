// Rooms and DMs through the UI: create a room, browse and join it from
// another account, start a DM from the dialog, set one's own status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextFor, messageBodies, newRoom, newUser, openPage, send, shot, until, untilEq, useServerAndBrowser } from './harness.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const roomLinks = (page) => page.getByTestId('room-link').allInnerTexts();

test('create, browse and join a room; start a DM; set a status', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const ca = await contextFor(browser, ana);
  const cb = await contextFor(browser, bo);
  const pa = await openPage(ca, server);
  const pb = await openPage(cb, server);

  // Ana creates a public room from the dialog and lands in it.
  await pa.getByRole('button', { name: 'Create a room' }).first().click();
  const dialog = pa.getByRole('dialog', { name: 'Create a room' });
  await dialog.getByLabel('Name').fill('design');
  await dialog.getByLabel('Description').fill('Pixels and prose');
  await shot(pa, 'create-room');
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await untilEq(async () => (await pa.getByTestId('room-title').innerText()).replace(/\s/g, ''), '#design', 'Ana in #design');
  await send(pa, 'Welcome to design');

  // Bo finds it in Browse and joins; the history is there.
  await pb.getByRole('button', { name: 'Browse public rooms' }).click();
  const browse = pb.getByRole('dialog', { name: 'Browse rooms' });
  await browse.getByRole('button', { name: 'Join design' }).waitFor();
  await shot(pb, 'browse-rooms');
  await browse.getByRole('button', { name: 'Join design' }).click();
  await until(async () => (await roomLinks(pb)).some((t) => t.includes('design')), 'design in Bo’s sidebar');
  await until(async () => (await messageBodies(pb)).includes('Welcome to design'), 'history at Bo');
  await send(pb, 'Glad to be here');
  await until(async () => (await messageBodies(pa)).includes('Glad to be here'), 'Bo’s message at Ana');

  // Ana, the owner, makes Bo an admin from the room's details.
  await pa.getByRole('button', { name: /members, show room details/ }).click();
  const details = pa.getByTestId('details-panel');
  await details.getByRole('combobox', { name: /^Role of / }).selectOption('admin');
  await details.locator('.member-sub', { hasText: 'admin' }).waitFor();
  await pb.getByRole('button', { name: /members, show room details/ }).click();
  await pb.getByTestId('details-panel').getByLabel('Name').waitFor();  // admins may rename
  await pa.getByRole('button', { name: 'Close room details' }).click();
  await pb.getByRole('button', { name: 'Close room details' }).click();

  // Bo starts a DM with Ana; it shows up for Ana with the message.
  await pb.getByRole('button', { name: 'Start a direct message' }).click();
  const dm = pb.getByRole('dialog', { name: 'Start a direct message' });
  await dm.getByLabel('Find people').fill(ana.username);
  await dm.getByRole('button', { name: `Message ${ana.username}` }).click();
  await untilEq(async () => (await pb.getByTestId('room-title').innerText()).trim(), ana.username, 'DM open at Bo');
  await send(pb, 'A private word');
  await until(async () => (await roomLinks(pa)).some((t) => t.includes(bo.username)), 'DM in Ana’s sidebar');
  await until(async () => (await pa.locator(`[data-testid="room-link"]:has-text("${bo.username}") [data-testid="unread-badge"]`).count()) === 1, 'DM unread at Ana');
  await pa.locator(`[data-testid="room-link"]:has-text("${bo.username}")`).click();
  await until(async () => (await messageBodies(pa)).includes('A private word'), 'DM message at Ana');

  // Ana sets herself busy with a custom status.
  await pa.getByRole('button', { name: 'Set your status' }).click();
  const status = pa.getByRole('dialog', { name: 'Your status' });
  await status.getByLabel('Custom status').fill('Deep work');
  await status.getByRole('button', { name: 'Busy' }).click();
  await untilEq(async () => pa.locator('.me-status').innerText(), 'Deep work', 'own custom status');
  await untilEq(async () => pa.locator('.me-button .presence').getAttribute('data-status'), 'busy', 'own status busy');
  await shot(pa, 'status-set');
  await ca.close();
  await cb.close();
});

test('an unsent draft stays with its room: across room switches and a reload, until sent or signed out', async () => {
  const dee = await newUser(server, 'dee');
  const r1 = await newRoom(server, dee, 'drafts-one');
  const r2 = await newRoom(server, dee, 'drafts-two');
  const ctx = await contextFor(browser, dee);
  const page = await openPage(ctx, server, `#/r/${r1.id}`);
  const composer = () => page.locator('.room-view .composer textarea');
  await composer().fill('half a thought');
  await page.evaluate((id) => (location.hash = `#/r/${id}`), r2.id);
  await untilEq(async () => composer().inputValue(), '', 'the other room starts empty');
  await composer().fill('another');
  await page.evaluate((id) => (location.hash = `#/r/${id}`), r1.id);
  await untilEq(async () => composer().inputValue(), 'half a thought', 'the draft is back');
  // The sidebar marks the room left with a draft, not the one on screen.
  const marked = async () =>
    (await page.locator('[data-testid=room-link]:has([data-testid=draft-mark])').evaluateAll((ls) => ls.map((l) => l.dataset.roomId))).join();
  await untilEq(marked, r2.id, 'draft mark on the other room');

  await page.reload();
  await untilEq(async () => composer().inputValue(), 'half a thought', 'the draft survives a reload');
  await composer().press('Enter');
  await until(async () => (await messageBodies(page)).includes('half a thought'), 'sent');
  await untilEq(async () => composer().inputValue(), '', 'sent: the draft is gone');
  await page.reload();
  await untilEq(async () => composer().inputValue(), '', 'and stays gone after a reload');

  // Signing out leaves nothing of the account's drafts in the browser.
  assert.ok(await page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('parlor.drafts.'))));
  await page.getByRole('button', { name: /sign out/i }).click();
  await until(async () => !(await page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('parlor.drafts.')))), 'stored drafts dropped');
  await ctx.close();
});

test('Ctrl+K jumps to a room or person by typing part of the name', async () => {
  const kay = await newUser(server, 'kay');
  const lou = await newUser(server, 'lou');
  const alpha = await newRoom(server, kay, 'switch-alpha', [lou]);
  const beta = await newRoom(server, kay, 'switch-beta');
  const ctx = await contextFor(browser, kay);
  const page = await openPage(ctx, server, `#/r/${alpha.id}`);
  await page.keyboard.press('Control+k');
  const input = page.getByRole('combobox', { name: 'Room or person' });
  await input.waitFor();
  await input.pressSequentially('beta');
  await untilEq(async () => (await page.getByTestId('switcher-list').getByRole('option').allInnerTexts()).join('|'), '# switch-beta', 'one match');
  await input.press('Enter');
  await until(async () => (await page.evaluate(() => location.hash)) === `#/r/${beta.id}`, 'beta open');
  await untilEq(async () => page.getByRole('combobox', { name: 'Room or person' }).count(), 0, 'switcher closed');
  // Arrow keys choose among several; Escape closes without moving.
  await page.keyboard.press('Control+k');
  await input.pressSequentially('switch-');
  await untilEq(async () => page.getByTestId('switcher-list').getByRole('option').count(), 2, 'two matches');
  await input.press('ArrowDown');
  await input.press('Escape');
  await untilEq(async () => page.getByRole('combobox', { name: 'Room or person' }).count(), 0, 'closed by Escape');
  assert.equal(await page.evaluate(() => location.hash), `#/r/${beta.id}`);
  await ctx.close();
});
