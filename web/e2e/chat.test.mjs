// Two users in two browser contexts chat in real time: messages, reactions,
// edits, deletes, threads and typing. Also signs up through the UI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextFor, messageBodies, newRoom, newUser, openPage, send, shot, until, upToDate, useServerAndBrowser } from './harness.mjs';

let server;
let browser;
useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

test('sign up through the UI lands in the app', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await shot(page, 'sign-in');
  await page.getByRole('button', { name: 'Create an account' }).click();
  const name = `newbie${process.pid % 1000}`;
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Email').fill(`${name}@example.test`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await upToDate(page);
  assert.equal(await page.getByTestId('me-name').innerText(), name);
  await context.close();
});

test('two users chat in real time with reactions, edits, deletes, threads and typing', async () => {
  const ana = await newUser(server, 'ana');
  const bo = await newUser(server, 'bo');
  const room = await newRoom(server, ana, 'general', [bo]);
  const ca = await contextFor(browser, ana);
  const cb = await contextFor(browser, bo);
  const pa = await openPage(ca, server, `#/r/${room.id}`);
  const pb = await openPage(cb, server, `#/r/${room.id}`);

  // Typing: Bo types, Ana sees the typing line; it clears when Bo sends.
  await pb.locator('.room-view .composer textarea').fill('Hello Ana');
  await until(async () => (await pa.getByTestId('typing-line').first().innerText()).includes(`${bo.username} is typing…`), 'typing line');
  await pb.locator('.room-view .composer textarea').press('Enter');
  await until(async () => (await messageBodies(pa)).includes('Hello Ana'), 'message at Ana');
  await until(async () => (await pa.getByTestId('typing-line').first().innerText()) === '', 'typing line cleared');

  // Mention autocomplete (Tab picks), Shift+Enter for a new line, Enter sends.
  const composer = pa.locator('.room-view .composer textarea');
  await composer.click();
  await composer.pressSequentially(`Hi @${bo.username.slice(0, 2)}`);
  await pa.getByRole('option', { name: new RegExp(bo.username) }).waitFor();
  await composer.press('Tab');
  assert.equal(await composer.inputValue(), `Hi @${bo.username} `);
  await composer.press('Backspace');
  await composer.pressSequentially(', **welcome**');
  await composer.press('Shift+Enter');
  await composer.pressSequentially('second line');
  await composer.press('Enter');
  await until(async () => (await composer.inputValue()) === '', 'composer cleared');
  await until(async () => (await messageBodies(pb)).some((t) => t.startsWith(`Hi @${bo.username}, welcome\nsecond line`)), 'reply at Bo');
  assert.equal(await pb.locator('.room-view .message.mentions-me').count(), 1, 'the mention is highlighted for Bo');
  assert.equal(await pb.locator('.room-view [data-testid="message-body"] strong').last().innerText(), 'welcome');

  // Reaction from Bo on Ana's message.
  const anaMsg = pb.locator('.room-view [data-testid="message"]').filter({ hasText: 'welcome' });
  await anaMsg.hover();
  await anaMsg.getByRole('button', { name: 'Add reaction' }).click();
  await pb.getByRole('button', { name: 'party' }).click();
  await until(async () => (await pa.getByTestId('reaction').allInnerTexts()).some((t) => t.includes('🎉') && t.includes('1')), 'reaction at Ana');

  // Ana edits with Up in an empty composer.
  const box = pa.locator('.room-view .composer textarea');
  await box.click();
  await box.press('ArrowUp');
  const edit = pa.getByRole('textbox', { name: 'Edit message' });
  assert.ok((await edit.inputValue()).startsWith(`Hi @${bo.username}, **welcome**`), 'Up edits the last own message');
  await edit.fill('Hi Bo, edited');
  await edit.press('Enter');
  await until(async () => (await messageBodies(pb)).some((t) => t.startsWith('Hi Bo, edited') && t.includes('(edited)')), 'edit at Bo');

  // Thread: Bo replies to Ana's message; Ana sees the count and the reply.
  const edited = pb.locator('.room-view [data-testid="message"]').filter({ hasText: 'Hi Bo, edited' });
  await edited.hover();
  await edited.getByRole('button', { name: 'Reply in thread' }).click();
  await send(pb, 'A reply in the thread', '[data-testid="thread-panel"]');
  await until(async () => (await pa.getByTestId('thread-link').allInnerTexts()).includes('1 reply'), 'reply count at Ana');
  await pa.getByTestId('thread-link').first().click();
  await until(async () => (await pa.getByTestId('thread-panel').innerText()).includes('A reply in the thread'), 'thread at Ana');
  await shot(pa, 'thread');
  await pa.getByRole('button', { name: 'Close thread' }).click();

  // Delete: Bo deletes his first message; Ana sees the tombstone.
  const first = pb.locator('.room-view [data-testid="message"]').filter({ hasText: 'Hello Ana' });
  await first.hover();
  await first.getByRole('button', { name: 'Delete message' }).click();
  await until(async () => (await pa.locator('.room-view [data-testid="message-deleted"]').count()) === 1, 'tombstone at Ana');
  assert.ok(!(await messageBodies(pa)).includes('Hello Ana'));

  // A richer room for the screenshot: formatting, a link, a code block.
  await send(pb, 'Build notes: run `npm run build`, then _restart_ — details at https://example.com/notes');
  await send(pa, 'Thanks! For the record:\n```\nscripts/build.sh release\nscripts/run.sh\n```');
  await until(async () => (await pb.locator('.room-view .code-block').count()) === 1, 'code block at Bo');
  await shot(pa, 'room');
  await ca.close();
  await cb.close();
});
