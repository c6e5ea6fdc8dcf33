import { describe, expect, it } from 'vitest';
import { buildRows, switcherMatches, unreadAtOpen, type RoomItem } from '../src/viewmodels/viewmodels';
import { msg } from './fakes';
import { seenBy } from '../src/utils/format';

describe('buildRows', () => {
  const a = msg('r', 1, { created_at: '2026-11-21T10:00:00.000Z' });
  const b = msg('r', 2, { created_at: '2026-11-22T10:00:00.000Z' });
  const c = msg('r', 3, { created_at: '2026-11-22T10:01:00.000Z' });
  const d = msg('r', 4, { created_at: '2026-11-22T10:02:00.000Z', sender_id: 'u1' });
  const byId = Object.fromEntries([a, b, c, d].map((m) => [m.id, m]));
  const order = [a.id, b.id, c.id, d.id];

  it('adds day separators and groups consecutive messages of one sender', () => {
    const rows = buildRows(order, byId, [], 'u1', { hasOlder: false, title: 'r' });
    expect(rows.map((r) => r.kind)).toEqual(['start', 'day', 'message', 'day', 'message', 'message', 'message']);
    const grouped = rows.filter((r) => r.kind === 'message').map((r) => (r.kind === 'message' ? r.grouped : null));
    expect(grouped).toEqual([false, false, true, false]);
    // A pinned message keeps its header (and its pin mark).
    const pinned = buildRows(order, { ...byId, [c.id]: { ...c, pinned: true } }, [], 'u1', { hasOlder: false, title: 'r' });
    expect(pinned.filter((r) => r.kind === 'message').map((r) => (r.kind === 'message' ? r.grouped : null))).toEqual([false, false, false, false]);
  });

  it('marks our last message seen when the other side read it, and shows pending last', () => {
    const pending = [{ client_msg_id: 'c9', room_id: 'r', parent_id: null, content: 'x', mentions: [], attachments: [], status: 'sending' as const, created_at: d.created_at, attempt: 1 }];
    const rows = buildRows(order, byId, pending, 'u1', { hasOlder: true, title: 'r', seenSeq: 4 });
    expect(rows[0].kind).toBe('loading');
    expect(rows.slice(-2).map((r) => r.kind)).toEqual(['seen', 'pending']);
    const unseen = buildRows(order, byId, [], 'u1', { hasOlder: false, title: 'r', seenSeq: 3 });
    expect(unseen.some((r) => r.kind === 'seen')).toBe(false);
  });
});

describe('the "New messages" line', () => {
  const m = (seq: number, sender = 'u2') => msg('r', seq, { created_at: `2026-11-22T10:0${seq}:00.000Z`, sender_id: sender });
  const list = [m(1), m(2), m(3, 'u1'), m(4), m(5)];
  const byId = Object.fromEntries(list.map((x) => [x.id, x]));
  const order = list.map((x) => x.id);
  const kinds = (unread: { after: number; upTo: number } | null) =>
    buildRows(order, byId, [], 'u1', { hasOlder: false, title: 'r', unread }).map((r) => (r.kind === 'message' ? r.message.seq : r.kind));

  it('goes above the first message unread when the room was opened, not our own', () => {
    expect(kinds({ after: 2, upTo: 5 })).toEqual(['start', 'day', 1, 2, 3, 'unread', 4, 5]);
    expect(kinds({ after: 1, upTo: 5 })).toEqual(['start', 'day', 1, 'unread', 2, 3, 4, 5]);
    const first = buildRows(order, byId, [], 'u1', { hasOlder: false, title: 'r', unread: { after: 1, upTo: 5 } });
    const afterLine = first[first.findIndex((r) => r.kind === 'unread') + 1];
    expect(afterLine.kind === 'message' && afterLine.grouped).toBe(false);  // starts a new group
  });

  it('is not shown without unread messages, nor for messages that came after the room was opened', () => {
    expect(kinds(null)).not.toContain('unread');
    expect(kinds({ after: 5, upTo: 5 })).not.toContain('unread');
    expect(kinds({ after: 3, upTo: 3 })).not.toContain('unread');
  });
});

describe('unreadAtOpen', () => {
  it('takes the read mark and the last seq of a room with unread messages', () => {
    expect(unreadAtOpen({ unread_count: 2, last_read_seq: 7, last_seq: 9 })).toEqual({ after: 7, upTo: 9 });
    expect(unreadAtOpen({ unread_count: 0, last_read_seq: 7, last_seq: 9 })).toBeNull();
    expect(unreadAtOpen(undefined)).toBeNull();
  });
});

describe('switcherMatches', () => {
  const item = (id: string, title: string, extra: Partial<RoomItem> = {}): RoomItem => ({
    id, title, type: 'public', unread: 0, mentions: 0, active: false, archived: false, ...extra,
  });
  const items = [
    item('1', 'general', { active: true }),
    item('2', 'design'),
    item('3', 'engineering', { unread: 3 }),
    item('4', 'gardening'),
    item('5', 'old-news', { archived: true }),
    item('6', 'Erin', { type: 'dm' }),
  ];
  const ids = (q: string) => switcherMatches(items, q).map((i) => i.id);

  it('puts prefix matches before substring ones, unread first, the open room last', () => {
    expect(ids('g')).toEqual(['4', '1', '3', '2']); // gardening, general (open); then engineering (unread), design
    expect(ids('#ENG')).toEqual(['3']);
    expect(ids('er')).toEqual(['6', '3', '1']); // Erin starts with it; engineering (unread) and general contain it
    expect(ids('')).toEqual(['3', '2', '6', '4', '1']);
  });

  it('never offers archived rooms, and may offer nothing', () => {
    expect(ids('old')).toEqual([]);
    expect(ids('zzz')).toEqual([]);
  });
});

describe('read receipts in a room', () => {
  const mine = [msg('r', 1, { sender_id: 'u2' }), msg('r', 2, { sender_id: 'u1' })];
  const byId = Object.fromEntries(mine.map((x) => [x.id, x]));
  const order = mine.map((x) => x.id);
  const readers: Record<string, number> = { u2: 2, u3: 1, u4: 5 };
  const readersOf = (seq: number) => Object.entries(readers).filter(([, r]) => r >= seq).map(([id]) => id);

  it('says who read our last message', () => {
    const rows = buildRows(order, byId, [], 'u1', { hasOlder: false, title: 'r', readersOf });
    expect(rows[rows.length - 1]).toEqual({ kind: 'seen', key: 'seen', by: ['u2', 'u4'] });
  });

  it('says nothing when nobody has, or when the last message is not ours', () => {
    expect(buildRows(order, byId, [], 'u1', { hasOlder: false, title: 'r', readersOf: () => [] }).some((r) => r.kind === 'seen')).toBe(false);
    expect(buildRows(order, byId, [], 'u2', { hasOlder: false, title: 'r', readersOf }).some((r) => r.kind === 'seen')).toBe(false);
  });

  it('names up to three', () => {
    expect(seenBy(['Ana'])).toBe('Seen by Ana');
    expect(seenBy(['Ana', 'Bo'])).toBe('Seen by Ana and Bo');
    expect(seenBy(['Ana', 'Bo', 'Cy'])).toBe('Seen by Ana, Bo and Cy');
    expect(seenBy(['Ana', 'Bo', 'Cy', 'Di', 'Ed'])).toBe('Seen by Ana, Bo, Cy and 2 others');
  });
});
