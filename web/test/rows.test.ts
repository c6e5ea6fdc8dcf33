import { describe, expect, it } from 'vitest';
import { buildRows } from '../src/viewmodels/viewmodels';
import { msg } from './fakes';

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
