import { beforeEach, describe, expect, it } from 'vitest';
import { createChatStore, type ChatStore } from '../src/stores/chat';
import { FakeTransport, fakeRest, flush, msg, room } from './fakes';
import type { Message } from '../src/api/types';

const me = { id: 'u1', username: 'ana' };

async function connected(t: FakeTransport, rooms = [room('r', { rev: 3, last_seq: 3 })], history: Record<string, Message[]> = {}) {
  let ids = 0;
  const store = createChatStore({ transport: t, rest: fakeRest(rooms, history), newId: () => `c${++ids}` });
  store.getState().start('tok', me);
  t.setState('connected');
  await flush();
  const [sync] = t.take('sync');
  return { store, sync };
}

function answerSync(s: { payload: any; resolve: (a: any) => void }, rooms: any[] = []) {
  s.resolve({ ok: true, rooms, removed_room_ids: [], presence: [], server_time: '' });
}

describe('connect and sync', () => {
  let t: FakeTransport;
  beforeEach(() => {
    t = new FakeTransport();
  });

  it('syncs with per-room cursors and reports catching up then up to date', async () => {
    const { store, sync } = await connected(t);
    expect(store.getState().conn).toBe('catching_up');
    expect(sync.payload.cursors).toEqual({ r: 3 });
    answerSync(sync, [{ room_id: 'r', messages: [msg('r', 4)], has_more: false, cursor: 4, unread_count: 1, mention_count: 0, last_read_seq: 3 }]);
    await flush();
    expect(store.getState().conn).toBe('up_to_date');
    expect(store.getState().timelines.r.cursor).toBe(4);
    expect(store.getState().rooms.r.unread_count).toBe(1);
  });

  it('stays catching up and retries when a sync is refused', async () => {
    const { store, sync } = await connected(t);
    sync.resolve({ ok: false, error: { code: 'internal', message: 'busy' } });
    await flush();
    expect(store.getState().conn).toBe('catching_up');
    await new Promise((r) => setTimeout(r, 600));
    const [again] = t.take('sync');
    expect(again.payload.cursors).toEqual({ r: 3 });
    answerSync(again);
    await flush();
    expect(store.getState().conn).toBe('up_to_date');
  });

  it('pages a sync with has_more from the returned cursor', async () => {
    const { store, sync } = await connected(t);
    answerSync(sync, [{ room_id: 'r', messages: [msg('r', 4), msg('r', 5)], has_more: true, cursor: 5 }]);
    await flush();
    const [next] = t.take('sync');
    expect(next.payload.cursors).toEqual({ r: 5 });
    answerSync(next, [{ room_id: 'r', messages: [msg('r', 6)], has_more: false, cursor: 6 }]);
    await flush();
    expect(store.getState().timelines.r.cursor).toBe(6);
    expect(Object.keys(store.getState().timelines.r.byId).sort()).toEqual(['r-m4', 'r-m5', 'r-m6']);
  });

  it('merges a sync result over newer local state by rev, and resyncs on reconnect from the new cursor', async () => {
    const { store, sync } = await connected(t);
    answerSync(sync);
    await flush();
    t.emit('new_message', { message: msg('r', 4) });
    const edited = { ...msg('r', 4), rev: 6, content: 'edited', edited: true };
    t.setState('reconnecting');
    expect(store.getState().conn).toBe('reconnecting');
    t.setState('connected');
    await flush();
    const [again] = t.take('sync');
    expect(again.payload.cursors).toEqual({ r: 4 });
    answerSync(again, [{ room_id: 'r', messages: [msg('r', 5), edited], has_more: false, cursor: 6 }]);
    await flush();
    const tl = store.getState().timelines.r;
    expect(tl.byId['r-m4'].content).toBe('edited');
    expect(tl.cursor).toBe(6);
    // A late live copy of an older state changes nothing.
    t.emit('message_edited', { message: { ...msg('r', 4), rev: 5, content: 'older' } });
    expect(store.getState().timelines.r.byId['r-m4'].content).toBe('edited');
  });
});

describe('rev gaps and idempotent apply', () => {
  it('a rev other than cursor+1 triggers a sync for that room only', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t, [room('r', { rev: 3 }), room('q', { rev: 10 })]);
    answerSync(sync);
    await flush();
    t.emit('new_message', { message: msg('r', 4) });
    expect(t.take('sync')).toHaveLength(0);
    t.emit('new_message', { message: msg('r', 6) });
    await flush();
    const gap = t.take('sync');
    expect(gap).toHaveLength(1);
    expect(gap[0].payload.cursors).toEqual({ r: 4 });
    // The event was shown at once all the same.
    expect(store.getState().timelines.r.byId['r-m6']).toBeDefined();
    answerSync(gap[0], [{ room_id: 'r', messages: [msg('r', 5)], has_more: false, cursor: 5 }]);
    await flush();
    expect(store.getState().timelines.r.cursor).toBe(6);
    expect(t.take('sync')).toHaveLength(0);
  });

  it('applies a duplicated event once', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t);
    answerSync(sync);
    await flush();
    t.emit('new_message', { message: msg('r', 4) });
    const ev = { message_id: 'r-m4', room_id: 'r', emoji: '🎉', user_id: 'u3', rev: 5 };
    t.emit('reaction_added', ev);
    t.emit('reaction_added', ev);
    t.emit('new_message', { message: msg('r', 4) });
    const m = store.getState().timelines.r.byId['r-m4'];
    expect(m.reactions).toEqual([{ emoji: '🎉', count: 1, user_ids: ['u3'] }]);
    expect(store.getState().rooms.r.unread_count).toBe(1);
    t.emit('message_deleted', { message_id: 'r-m4', room_id: 'r', rev: 6, parent_id: null });
    expect(store.getState().timelines.r.byId['r-m4'].deleted).toBe(true);
    expect(store.getState().timelines.r.cursor).toBe(6);
  });
});

describe('optimistic send', () => {
  it('shows pending at once and reconciles with the ack by client_msg_id', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t, [room('r', { rev: 3 })], { r: [msg('r', 1), msg('r', 2), msg('r', 3)] });
    answerSync(sync);
    await flush();
    await store.getState().openRoom('r');
    const sending = store.getState().send('r', '  hello  ');
    expect(store.getState().pending.r).toMatchObject([{ content: 'hello', status: 'sending', client_msg_id: 'c1' }]);
    const [req] = t.take('send_message');
    expect(req.payload).toMatchObject({ room_id: 'r', content: 'hello', client_msg_id: 'c1' });
    const stored = msg('r', 4, { sender_id: 'u1', content: 'hello', client_msg_id: 'c1' });
    // The broadcast may beat the ack: it reconciles too, and nothing shows twice.
    t.emit('new_message', { message: stored });
    expect(store.getState().pending.r).toEqual([]);
    req.resolve({ ok: true, message: stored });
    await sending;
    const tl = store.getState().timelines.r;
    expect(tl.order.filter((id) => id === 'r-m4')).toHaveLength(1);
    expect(tl.cursor).toBe(4);
    expect(store.getState().rooms.r.unread_count).toBe(0);
  });

  it('marks a refused send failed; retry resends the same client_msg_id; discard drops it', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t);
    answerSync(sync);
    await flush();
    const p = store.getState().send('r', 'hi');
    t.take('send_message')[0].resolve({ ok: false, error: { code: 'forbidden', message: 'not a member' } });
    await p;
    expect(store.getState().pending.r[0]).toMatchObject({ status: 'failed', error: 'not a member' });
    const r = store.getState().retry('r', 'c1');
    const [again] = t.take('send_message');
    expect(again.payload.client_msg_id).toBe('c1');
    again.resolve({ ok: false, error: { code: 'internal', message: 'boom' } });
    await r;
    store.getState().discard('r', 'c1');
    expect(store.getState().pending.r).toEqual([]);
  });

  it('retries a rate-limited send by itself after retry_after_ms, with the same client_msg_id', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t);
    answerSync(sync);
    await flush();
    void store.getState().send('r', 'hi');
    t.take('send_message')[0].resolve({ ok: false, error: { code: 'rate_limited', message: 'slow', retry_after_ms: 120 } });
    await flush();
    expect(store.getState().pending.r[0].status).toBe('sending');
    expect(t.take('send_message')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 200));
    const [again] = t.take('send_message');
    expect(again.payload.client_msg_id).toBe('c1');
    again.resolve({ ok: true, message: msg('r', 4, { sender_id: 'u1', content: 'hi', client_msg_id: 'c1' }) });
    await flush();
    expect(store.getState().pending.r).toEqual([]);
  });

  it('queues while offline and sends once after the reconnect sync', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t);
    answerSync(sync);
    await flush();
    t.setState('reconnecting');
    await store.getState().send('r', 'later');
    expect(store.getState().pending.r[0].status).toBe('queued');
    expect(t.take('send_message')).toHaveLength(0);
    t.setState('connected');
    await flush();
    expect(t.take('send_message')).toHaveLength(0);
    answerSync(t.take('sync')[0]);
    await flush();
    const sends = t.take('send_message');
    expect(sends).toHaveLength(1);
    expect(sends[0].payload.client_msg_id).toBe('c1');
  });

  it('ignores a stale timeout for an attempt that was superseded', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t);
    answerSync(sync);
    await flush();
    void store.getState().send('r', 'x');
    const [first] = t.take('send_message');
    t.setState('reconnecting');
    t.setState('connected');
    await flush();
    answerSync(t.take('sync')[0]);
    await flush();
    const [second] = t.take('send_message');
    expect(second.payload.client_msg_id).toBe(first.payload.client_msg_id);
    first.resolve({ ok: false, error: { code: 'timeout' } });
    await flush();
    expect(store.getState().pending.r[0].status).toBe('sending');
  });
});

describe('unread state', () => {
  it('counts messages from others in rooms not being read, mentions separately, and takes server updates', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t, [room('r', { rev: 3, last_read_seq: 3 }), room('q', { rev: 0 })], {
      q: [],
    });
    answerSync(sync);
    await flush();
    await store.getState().openRoom('q');
    t.emit('new_message', { message: msg('r', 4) });
    t.emit('new_message', { message: msg('r', 5, { mentions: ['u1'] }) });
    t.emit('new_message', { message: msg('r', 6, { sender_id: 'u1' }) });
    let r = store.getState().rooms.r;
    expect([r.unread_count, r.mention_count]).toEqual([2, 1]);
    t.emit('unread_update', { room_id: 'r', unread_count: 0, mention_count: 0, last_read_seq: 6 });
    r = store.getState().rooms.r;
    expect([r.unread_count, r.mention_count, r.last_read_seq]).toEqual([0, 0, 6]);
  });

  it('marks the open room read instead of counting when the tab is visible', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t, [room('r', { rev: 0 })], { r: [] });
    answerSync(sync);
    await flush();
    await store.getState().openRoom('r');
    t.emit('new_message', { message: msg('r', 1) });
    expect(store.getState().rooms.r.unread_count).toBe(0);
    await new Promise((res) => setTimeout(res, 300));
    const [mark] = t.take('mark_read');
    expect(mark.payload).toEqual({ room_id: 'r', message_id: 'r-m1' });
    store.getState().setVisible(false);
    t.emit('new_message', { message: msg('r', 2) });
    expect(store.getState().rooms.r.unread_count).toBe(1);
  });

  it('a message that arrives after switching away stays unread, though a read was still pending', async () => {
    const t = new FakeTransport();
    const { store, sync } = await connected(t, [room('r', { rev: 0 }), room('q', { rev: 0 })], { r: [], q: [] });
    answerSync(sync);
    await flush();
    await store.getState().openRoom('r');
    t.emit('new_message', { message: msg('r', 1) }); // seen: schedules a read
    await store.getState().openRoom('q'); // switched away within the read's delay
    t.emit('new_message', { message: msg('r', 2) });
    await new Promise((res) => setTimeout(res, 300));
    const marks = t.take('mark_read').filter((m) => (m.payload as { room_id?: string }).room_id === 'r');
    expect(marks.map((m) => m.payload)).toEqual([{ room_id: 'r', message_id: 'r-m1' }]);
    expect(store.getState().rooms.r.unread_count).toBe(1);
  });
});

describe('history', () => {
  // A started store with room 'r' of `n` messages open at its newest page.
  async function openRoomOf(n: number) {
    const all = Array.from({ length: n }, (_, i) => msg('r', i + 1));
    const rest = fakeRest([room('r', { rev: n })], { r: all });
    const store: ChatStore = createChatStore({ transport: new FakeTransport(), rest });
    store.getState().start('tok', me);
    await store.getState().openRoom('r');
    return { store, rest };
  }

  it('opens a big room with one page and pages older on demand', async () => {
    const { store, rest } = await openRoomOf(10000);
    expect(rest.historyCalls).toBe(1);
    expect(store.getState().timelines.r.order).toHaveLength(50);
    await store.getState().loadOlder('r');
    const tl = store.getState().timelines.r;
    expect(tl.order).toHaveLength(100);
    expect(tl.byId[tl.order[0]].seq).toBe(9901);
    expect(tl.hasOlder).toBe(true);
  });

  it('loads the next older page when asked again while one is on its way', async () => {
    const { store, rest } = await openRoomOf(1000);
    const first = store.getState().loadOlder('r');
    void store.getState().loadOlder('r'); // a page is loading: asks for the next one after it
    await first;
    expect(rest.historyCalls).toBe(3);
    const tl = store.getState().timelines.r;
    expect(tl.order).toHaveLength(150);
    expect(tl.byId[tl.order[0]].seq).toBe(851);
    expect(store.getState().loadingOlder.r).toBe(false);
  });
});

describe('typing', () => {
  it('sends typing_start at most every 3 s and typing_stop on send', async () => {
    const t = new FakeTransport();
    let clock = 1000;
    const store = createChatStore({ transport: t, rest: fakeRest([room('r')]), now: () => clock });
    store.getState().start('tok', me);
    t.setState('connected');
    await flush();
    answerSync(t.take('sync')[0]);
    await flush();
    store.getState().typingStart('r');
    clock += 1000;
    store.getState().typingStart('r');
    expect(t.take('typing_start')).toHaveLength(1);
    clock += 2500;
    store.getState().typingStart('r');
    expect(t.take('typing_start')).toHaveLength(1);
    void store.getState().send('r', 'done');
    expect(t.take('typing_stop')).toHaveLength(1);
    t.emit('user_typing', { room_id: 'r', user_id: 'u2', username: 'bo', typing: true });
    expect(Object.keys(store.getState().typing.r)).toEqual(['u2']);
    clock += 7000;
    store.getState().pruneTyping();
    expect(store.getState().typing.r).toEqual({});
  });
});

describe('notifications', () => {
  it('asks for a desktop notification for DMs and mentions in rooms not being read, once each', async () => {
    const t = new FakeTransport();
    const notified: string[] = [];
    const store = createChatStore({
      transport: t,
      rest: fakeRest([room('r'), room('d', { type: 'dm' })]),
      notify: (m) => notified.push(m.id),
    });
    store.getState().start('tok', me);
    t.setState('connected');
    await flush();
    answerSync(t.take('sync')[0]);
    await flush();
    store.getState().setVisible(false);
    t.emit('new_message', { message: msg('r', 1) });
    t.emit('new_message', { message: msg('r', 2, { mentions: ['u1'] }) });
    t.emit('new_message', { message: msg('d', 1) });
    t.emit('new_message', { message: msg('d', 1) });
    t.emit('new_message', { message: msg('d', 2, { sender_id: 'u1' }) });
    expect(notified).toEqual(['r-m2', 'd-m1']);
  });
});

