import { describe, expect, it } from 'vitest';
import {
  advanceCursor,
  emptyTimeline,
  hasGap,
  mergePage,
  noteRev,
  patchMessage,
  upsertMessage,
  withReaction,
} from '../src/stores/timeline';
import { msg } from './fakes';

describe('noteRev', () => {
  it('advances on cursor+1 and reports duplicates', () => {
    let t = emptyTimeline(4);
    const a = noteRev(t, 5);
    expect(a.outcome).toBe('applied');
    t = a.tl;
    expect(t.cursor).toBe(5);
    expect(noteRev(t, 5).outcome).toBe('duplicate');
    expect(noteRev(t, 3).outcome).toBe('duplicate');
    expect(hasGap(t)).toBe(false);
  });

  it('detects a gap and closes it when the missing rev arrives', () => {
    let t = noteRev(emptyTimeline(4), 7).tl;
    expect(t.cursor).toBe(4);
    expect(hasGap(t)).toBe(true);
    expect(noteRev(t, 7).outcome).toBe('duplicate');
    t = noteRev(t, 5).tl;
    expect(hasGap(t)).toBe(true);
    t = noteRev(t, 6).tl;
    expect(t.cursor).toBe(7);
    expect(hasGap(t)).toBe(false);
  });

  it('advanceCursor takes a sync cursor and keeps later applied revs', () => {
    let t = noteRev(emptyTimeline(4), 9).tl;
    t = advanceCursor(t, 8);
    expect(t.cursor).toBe(9);
    expect(t.ahead).toEqual([]);
    t = advanceCursor(t, 3);
    expect(t.cursor).toBe(9);
  });
});

describe('upsertMessage', () => {
  it('keeps seq order and ignores older states', () => {
    let t = mergePage(emptyTimeline(), [msg('r', 1), msg('r', 3)], { older: false, hasMore: false });
    t = upsertMessage(t, msg('r', 2)).tl;
    expect(t.order).toEqual(['r-m1', 'r-m2', 'r-m3']);
    const edited = { ...msg('r', 2), rev: 5, content: 'new', edited: true };
    t = upsertMessage(t, edited).tl;
    const stale = upsertMessage(t, msg('r', 2));
    expect(stale.changed).toBe(false);
    expect(stale.tl.byId['r-m2'].content).toBe('new');
    expect(t.order).toHaveLength(3);
  });

  it('bumps a parent reply count once for a new live reply only', () => {
    let t = mergePage(emptyTimeline(), [msg('r', 1)], { older: false, hasMore: false });
    const reply = msg('r', 2, { parent_id: 'r-m1' });
    t = upsertMessage(t, reply, { live: true }).tl;
    t = upsertMessage(t, reply, { live: true }).tl;
    expect(t.byId['r-m1'].reply_count).toBe(1);
    expect(t.order).toEqual(['r-m1']);
    const fetched = upsertMessage(t, msg('r', 3, { parent_id: 'r-m1' })).tl;
    expect(fetched.byId['r-m1'].reply_count).toBe(1);
  });

  it('keeps messages older than the loaded window out of the list until paged in', () => {
    let t = upsertMessage(emptyTimeline(), msg('r', 8)).tl;
    expect(t.order).toEqual([]);
    t = mergePage(t, [msg('r', 9), msg('r', 10)], { older: false, hasMore: true });
    expect(t.order).toEqual(['r-m9', 'r-m10']);
    t = mergePage(t, [msg('r', 7), msg('r', 8)], { older: true, hasMore: false });
    expect(t.order).toEqual(['r-m7', 'r-m8', 'r-m9', 'r-m10']);
    expect(t.hasOlder).toBe(false);
  });
});

describe('deltas', () => {
  it('applies a reaction once per rev and per user', () => {
    let t = mergePage(emptyTimeline(), [msg('r', 1)], { older: false, hasMore: false });
    t = patchMessage(t, 'r-m1', 2, (m) => withReaction(m, '👍', 'u1', true));
    t = patchMessage(t, 'r-m1', 2, (m) => withReaction(m, '👍', 'u1', true));
    expect(t.byId['r-m1'].reactions).toEqual([{ emoji: '👍', count: 1, user_ids: ['u1'] }]);
    t = patchMessage(t, 'r-m1', 3, (m) => withReaction(m, '👍', 'u1', false));
    expect(t.byId['r-m1'].reactions).toEqual([]);
    expect(t.byId['r-m1'].rev).toBe(3);
  });
});
