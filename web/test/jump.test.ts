import { describe, expect, it } from 'vitest';
import { createChatStore } from '../src/stores/chat';
import { emptyTimeline, isDetached, mergePage, setWindow, upsertMessage } from '../src/stores/timeline';
import { buildRows } from '../src/viewmodels/viewmodels';
import { FakeTransport, fakeRest, msg, room } from './fakes';

const me = { id: 'u1', username: 'ana' };
const seqs = (order: string[]) => order.map((id) => Number(id.split('-m')[1]));

async function bigRoom(n: number, extra: Parameters<typeof msg>[2][] = []) {
  const all = Array.from({ length: n }, (_, i) => msg('r', i + 1, extra[i]));
  const rest = fakeRest([room('r', { rev: n, last_seq: n }), room('q')], { r: all });
  const store = createChatStore({ transport: new FakeTransport(), rest });
  store.getState().start('tok', me);
  await store.getState().openRoom('q');
  return { store, rest };
}

describe('timeline windows', () => {
  it('setWindow shows one page; a detached window ignores newer messages until it attaches', () => {
    let t = emptyTimeline(0);
    t = upsertMessage(t, msg('r', 100)).tl; // known from elsewhere (e.g. sync)
    t = setWindow(t, [msg('r', 10), msg('r', 11), msg('r', 12)], { hasOlder: true, hasNewer: true });
    expect([t.windowStart, t.windowEnd, t.hasOlder]).toEqual([10, 12, true]);
    expect(seqs(t.order)).toEqual([10, 11, 12]);
    t = upsertMessage(t, msg('r', 101)).tl;
    expect(seqs(t.order)).toEqual([10, 11, 12]);
    t = mergePage(t, [msg('r', 13), msg('r', 14)], { newer: true, hasMore: true });
    expect([t.windowEnd, ...seqs(t.order)]).toEqual([14, 10, 11, 12, 13, 14]);
    expect(isDetached(t)).toBe(true);
    // The last newer page attaches the window, with what was learnt meanwhile.
    t = mergePage(t, [msg('r', 15)], { newer: true, hasMore: false });
    expect(isDetached(t)).toBe(false);
    expect(seqs(t.order)).toEqual([10, 11, 12, 13, 14, 15, 100, 101]);
  });

  it('rows of a detached window end in a loading row, without pending messages', () => {
    const m = msg('r', 1);
    const pending = [{ client_msg_id: 'c', room_id: 'r', parent_id: null, content: 'x', mentions: [], attachments: [], status: 'queued' as const, created_at: m.created_at, attempt: 0 }];
    const rows = buildRows([m.id], { [m.id]: m }, pending, 'u1', { hasOlder: false, hasNewer: true, title: 'r' });
    expect(rows.map((r) => r.kind)).toEqual(['start', 'day', 'message', 'newer']);
  });
});

describe('jumpTo', () => {
  it('opens the room around an old message with one request, then pages newer until it attaches', async () => {
    const { store, rest } = await bigRoom(1000);
    const jumping = store.getState().jumpTo({ id: 'r-m400', room_id: 'r', parent_id: null });
    // The room counts as open at once, so the URL change that follows does not reload it.
    expect(store.getState().activeRoomId).toBe('r');
    expect(await jumping).toBe(true);
    expect(rest.historyQueries.at(-1)).toEqual({ around: 'r-m400' });
    let t = store.getState().timelines.r;
    expect(seqs(t.order)[0]).toBe(375);
    expect(seqs(t.order).at(-1)).toBe(424);
    expect(t.order).toContain('r-m400');
    expect([t.hasOlder, isDetached(t)]).toEqual([true, true]);
    await store.getState().loadNewer('r');
    t = store.getState().timelines.r;
    expect(rest.historyQueries.at(-1)).toEqual({ after: 'r-m424' });
    expect(seqs(t.order).at(-1)).toBe(474);
    for (let i = 0; i < 20 && isDetached(store.getState().timelines.r); i++) await store.getState().loadNewer('r');
    t = store.getState().timelines.r;
    expect(isDetached(t)).toBe(false);
    expect(t.order).toHaveLength(1000 - 374);
  });

  it('loads nothing for a message already shown, and centres a reply on its thread root', async () => {
    const { store, rest } = await bigRoom(300, Array.from({ length: 300 }, (_, i) => (i === 119 ? { parent_id: 'r-m100' } : {})));
    await store.getState().openRoom('r');
    const calls = rest.historyCalls;
    await store.getState().jumpTo({ id: 'r-m290', room_id: 'r', parent_id: null });
    expect(rest.historyCalls).toBe(calls);
    await store.getState().jumpTo({ id: 'r-m120', room_id: 'r', parent_id: 'r-m100' });
    expect(rest.historyQueries.at(-1)).toEqual({ around: 'r-m100' });
    expect(store.getState().timelines.r.order).toContain('r-m100');
  });

  it('a jump near the end comes back attached; jumpToLatest and openRoom leave a detached window', async () => {
    const { store } = await bigRoom(1000);
    await store.getState().jumpTo({ id: 'r-m990', room_id: 'r', parent_id: null });
    expect(isDetached(store.getState().timelines.r)).toBe(false);
    expect(seqs(store.getState().timelines.r.order).at(-1)).toBe(1000);

    await store.getState().jumpTo({ id: 'r-m10', room_id: 'r', parent_id: null });
    let t = store.getState().timelines.r;
    // Nothing older than the first messages: the half came back short.
    expect([seqs(t.order)[0], t.hasOlder, isDetached(t)]).toEqual([1, false, true]);
    await store.getState().jumpToLatest('r');
    t = store.getState().timelines.r;
    expect([seqs(t.order)[0], seqs(t.order).at(-1), isDetached(t)]).toEqual([951, 1000, false]);

    await store.getState().jumpTo({ id: 'r-m500', room_id: 'r', parent_id: null });
    await store.getState().openRoom('q');
    await store.getState().openRoom('r');
    t = store.getState().timelines.r;
    expect([seqs(t.order)[0], isDetached(t)]).toEqual([951, false]);
  });

  it('drops an older or newer page that arrives after a jump replaced the window', async () => {
    const { store, rest } = await bigRoom(1000);
    await store.getState().openRoom('r');
    // Hold the next older page until the jump has landed.
    const history = rest.history;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    rest.history = async (roomId, q) => {
      const page = await history(roomId, q);
      if (q.before) await gate;
      return page;
    };
    await store.getState().jumpTo({ id: 'r-m400', room_id: 'r', parent_id: null });
    const older = store.getState().loadOlder('r'); // the page before 375
    await store.getState().jumpTo({ id: 'r-m800', room_id: 'r', parent_id: null });
    release();
    await older;
    let t = store.getState().timelines.r;
    // Merged, it would have stretched the window down to 325 over unknown messages.
    expect([seqs(t.order)[0], seqs(t.order).at(-1), t.order.length]).toEqual([775, 824, 50]);

    const gate2 = new Promise<void>((r) => (release = r));
    rest.history = async (roomId, q) => {
      const page = await history(roomId, q);
      if (q.after) await gate2;
      return page;
    };
    const newer = store.getState().loadNewer('r');
    await store.getState().jumpToLatest('r');
    release();
    await newer;
    t = store.getState().timelines.r;
    expect([seqs(t.order)[0], seqs(t.order).at(-1), isDetached(t)]).toEqual([951, 1000, false]);
  });
});

describe('message links in the URL', () => {
  it('reads a message or a reply, and nothing from a malformed link', async () => {
    const { linkedMessage } = await import('../src/viewmodels/browser');
    expect(linkedMessage('#/r/7/m/42')).toEqual({ id: '42', room_id: '7', parent_id: null });
    expect(linkedMessage('#/r/7/m/42/43')).toEqual({ id: '43', room_id: '7', parent_id: '42' });
    expect(linkedMessage('#/r/7')).toBeNull();
    expect(linkedMessage('#/r/%E0%A4%A/m/42')).toBeNull();
    expect(linkedMessage('#/r/7/m/%zz')).toBeNull();
  });
});
