// Issue 4, typing: at most one user_typing on and one off per typist and
// room, never to the typist's own tabs; it ends on send, after 5 s without a
// refresh, and on disconnect; only members may type.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, register, connect, call, createRoom, waitFor, sleep, sendOk } from "./helpers.mjs";

const FAST = ["--send-rate-per-s", "1000", "--send-burst", "1000"];

let server;
before(async () => {
  server = await startServer({ extraArgs: FAST });
});
after(async () => {
  await server?.stop();
});

const send = sendOk;

test("typing: one on and one off per typist, not to the typist's own tabs", async () => {
  const alice = await register(server, "alice");
  const bob = await register(server, "bob");
  const room = await createRoom(server, alice.token, { member_ids: [bob.user.id] });
  const roomId = String(room.id);
  const a1 = await connect(server, alice.token);
  const a2 = await connect(server, alice.token);
  const bobS = await connect(server, bob.token);
  const typingOf = (s) => s.events.filter((e) => e.event === "user_typing").map((e) => e.payload);

  for (let i = 0; i < 3; i++) assert.equal((await call(a1, "typing_start", { room_id: roomId })).ok, true);
  await waitFor(bobS, () => typingOf(bobS).length === 1, 5000, "typing on");
  assert.deepEqual(typingOf(bobS)[0], { room_id: roomId, user_id: String(alice.user.id), username: alice.username, typing: true });
  await send(a1, roomId, "done typing");  // sending ends it
  await waitFor(bobS, () => typingOf(bobS).length === 2, 5000, "typing off");
  assert.equal(typingOf(bobS)[1].typing, false);
  await call(a1, "typing_stop", { room_id: roomId });
  await sleep(300);
  assert.equal(typingOf(bobS).length, 2, "at most one off");
  assert.deepEqual(typingOf(a2), [], "the typist's other tab sees nothing");
  assert.deepEqual(typingOf(a1), []);

  // It ends by itself 5 s after the last typing_start, and on disconnect.
  await call(bobS, "typing_start", { room_id: roomId });
  await waitFor(a2, () => typingOf(a2).length === 1, 5000, "bob typing");
  await waitFor(a2, () => typingOf(a2).length === 2, 9000, "bob's typing times out");
  assert.equal(typingOf(a2)[1].typing, false);
  await call(bobS, "typing_start", { room_id: roomId });
  await waitFor(a2, () => typingOf(a2).length === 3, 5000, "bob typing again");
  bobS.disconnect();
  await waitFor(a2, () => typingOf(a2).length === 4, 5000, "off on disconnect");
  assert.equal(typingOf(a2)[3].typing, false);

  // Only members may type.
  const outsider = await register(server, "mallory");
  const malS = await connect(server, outsider.token);
  const refused = await call(malS, "typing_start", { room_id: roomId });
  assert.equal(refused.ok, false);
  for (const s of [a1, a2, malS]) s.disconnect();
});
