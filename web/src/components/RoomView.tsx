// The open room: header (with the search box), the virtualized message list
// with infinite scroll up (and down, after a jump to an old message), the
// typing line and the composer. Files dropped anywhere on it are attached to
// the composer's draft.
import { Icon } from './icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useChat, useServices, useUi } from '../app-context';
import { draftKey } from '../stores/uploads';
import { displayName, seenBy } from '../utils/format';
import { useFileDrop } from '../viewmodels/files';
import { unreadAtOpen, useRoomViewModel, useTypingLine, type Row } from '../viewmodels/viewmodels';
import { PresenceDot, statusLabel } from './common';
import { Composer } from './Composer';
import { MessageItem, PendingItem } from './MessageItem';
import { VirtualList } from './VirtualList';

export function RowView({ row, inThread = false }: { row: Row; inThread?: boolean }) {
  switch (row.kind) {
    case 'loading':
      return <div className="list-note">Loading older messages…</div>;
    case 'newer':
      return <div className="list-note">Loading newer messages…</div>;
    case 'start':
      return (
        <div className="list-start">
          <h3>{row.text}</h3>
          <p>This is the very beginning of the conversation.</p>
        </div>
      );
    case 'day':
      return (
        <div className="day-separator" role="separator" aria-label={row.label}>
          <span>{row.label}</span>
        </div>
      );
    case 'unread':
      return (
        <div className="unread-line" role="separator" aria-label="New messages" data-testid="unread-line">
          <span>New messages</span>
        </div>
      );
    case 'message':
      return <MessageItem message={row.message} grouped={row.grouped} inThread={inThread} />;
    case 'pending':
      return <PendingItem pending={row.pending} grouped={row.grouped} />;
    case 'seen':
      return (
        <div className="seen-mark" data-testid="seen-mark">
          {row.by ? seenBy(row.by) : 'Seen'}
        </div>
      );
  }
}

const rowKey = (r: Row) => r.key;
const renderRow = (r: Row) => <RowView row={r} />;
const anchorable = (r: Row) => r.kind === 'message' || r.kind === 'pending';

export function TypingLine({ roomId }: { roomId: string }) {
  const line = useTypingLine(roomId);
  return (
    <div className="typing-line" aria-live="polite" data-testid="typing-line">
      {line}
    </div>
  );
}

function ConnBanner() {
  const conn = useChat((s) => s.conn);
  if (conn === 'up_to_date') return null;
  const text =
    conn === 'catching_up'
      ? 'Catching up on what you missed…'
      : conn === 'reconnecting'
        ? 'Connection lost. Reconnecting… Messages you send will go out once connected.'
        : conn === 'unauthorized'
          ? 'Your session has ended.'
          : 'Connecting…';
  return (
    <div className={`conn-banner conn-banner-${conn}`} role="status">
      {text}
    </div>
  );
}

/** Scrolls the list to the message a jump (search) highlighted, once per jump. */
function useScrollToHighlight(roomId: string, ready: boolean, toKey: { current: ((key: string) => boolean) | null }) {
  const { chat } = useServices();
  const highlight = useUi((s) => s.highlight);
  const order = useChat((s) => s.timelines[roomId]?.order);
  const done = useRef(0);
  useEffect(() => {
    if (!highlight || !ready || done.current === highlight.token) return;
    // A thread reply is shown in the room by its thread's root.
    const m = chat.getState().timelines[roomId]?.byId[highlight.messageId];
    if (!m) return;
    if (toKey.current?.(m.parent_id ?? m.id)) done.current = highlight.token;
  }, [highlight, ready, order, chat, roomId, toKey]);
}

/** Opening a room with more unread messages than fit below the line starts at the line. */
const UNREAD_SCROLL_ROWS = 6;

export function RoomView({ roomId }: { roomId: string }) {
  const { chat, ui, uploads } = useServices();
  // Taken once: this view lives as long as the room stays open (keyed by room).
  const [unread] = useState(() => unreadAtOpen(chat.getState().rooms[roomId]));
  const vm = useRoomViewModel(roomId, unread);
  const panel = useUi((s) => s.panel);
  const archived = !!vm.room?.archived;
  const onNearTop = useCallback(() => void chat.getState().loadOlder(roomId), [chat, roomId]);
  const onNearBottom = useCallback(() => void chat.getState().loadNewer(roomId), [chat, roomId]);
  const [atBottom, setAtBottom] = useState(true);
  const toEnd = useRef<(() => void) | null>(null);
  const toKey = useRef<((key: string) => boolean) | null>(null);
  const drop = useFileDrop((files) => uploads.getState().add(draftKey(roomId), files), !archived);
  const pendingCount = useChat((s) => s.pending[roomId]?.length ?? 0);
  const lastPending = useRef(pendingCount);
  const detached = vm.detached;
  const toLatest = useCallback(async () => {
    await chat.getState().jumpToLatest(roomId);
    toEnd.current?.();
  }, [chat, roomId]);
  useEffect(() => {
    // Sending jumps to the end, as in every chat app.
    if (pendingCount > lastPending.current) {
      if (detached) void toLatest();
      else toEnd.current?.();
    }
    lastPending.current = pendingCount;
  }, [pendingCount, detached, toLatest]);
  useScrollToHighlight(roomId, !!vm.rows, toKey);

  const startedAtLine = useRef(false);
  useEffect(() => {
    if (startedAtLine.current || !vm.rows) return;
    startedAtLine.current = true;
    if (ui.getState().highlight) return;  // a jump (search) has its own place to go
    const line = vm.rows.findIndex((r) => r.kind === 'unread');
    if (line >= 0 && vm.rows.length - line > UNREAD_SCROLL_ROWS) toKey.current?.('unread-line');
  }, [vm.rows, ui]);

  useEffect(() => {
    void chat.getState().loadMembers(roomId);
  }, [chat, roomId]);

  if (!vm.room) return <main className="room-view empty">This room is no longer available.</main>;
  const room = vm.room;

  return (
    <main className="room-view" aria-label={`Room ${vm.title}`} {...drop.handlers}>
      {drop.dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <Icon name="paperclip" size={28} />
          Drop files to attach them to your message
        </div>
      )}
      <header className="room-header">
        <button type="button" className="icon-button only-narrow" aria-label="Show rooms" onClick={() => ui.getState().setSidebarOpen(true)}>
          <Icon name="menu" />
        </button>
        <div className="room-header-text">
          <h1 data-testid="room-title">
            {room.type === 'dm' ? (
              <>
                <PresenceDot status={vm.partner?.status} /> {vm.title}
              </>
            ) : (
              <>
                <span aria-hidden="true">{room.type === 'private' ? <Icon name="lock" size={16} /> : '#'}</span>
                {vm.title}
              </>
            )}
          </h1>
          <p className="room-description">
            {room.type === 'dm'
              ? `${statusLabel(vm.partner?.status)}${vm.partner?.custom_status ? ` — ${vm.partner.custom_status}` : ''}`
              : room.description || 'No description'}
          </p>
        </div>
        <button
          type="button"
          className="header-search"
          aria-label="Search messages"
          aria-pressed={panel?.kind === 'search'}
          data-testid="open-search"
          onClick={() => ui.getState().setPanel(panel?.kind === 'search' ? null : { kind: 'search' })}
        >
          <Icon name="search" size={16} />
          <span className="header-search-text">Search</span>
        </button>
        <button
          type="button"
          className="member-count"
          aria-label={`${room.member_count} members, show room details`}
          aria-pressed={panel?.kind === 'details'}
          onClick={() => ui.getState().setPanel(panel?.kind === 'details' ? null : { kind: 'details' })}
        >
          <Icon name="users" /> {room.member_count}
        </button>
      </header>
      <ConnBanner />
      {vm.rows ? (
        <VirtualList
          key={roomId}
          label={`Messages in ${vm.title}`}
          items={vm.rows}
          getKey={rowKey}
          render={renderRow}
          onNearTop={onNearTop}
          onNearBottom={onNearBottom}
          stickToBottom={!detached}
          anchorable={anchorable}
          onAtBottomChange={setAtBottom}
          scrollToEndRef={toEnd}
          scrollToKeyRef={toKey}
          className="message-list"
        />
      ) : (
        <div className="message-list list-note" role="status">
          Loading messages…
        </div>
      )}
      {(!atBottom || detached) && vm.rows && (
        <button type="button" className="jump-latest" onClick={() => void toLatest()}>
          Jump to latest ↓
        </button>
      )}
      <TypingLine roomId={roomId} />
      <Composer roomId={roomId} placeholder={`Message ${room.type === 'dm' ? displayName({ username: vm.title }) : `#${vm.title}`}`} />
    </main>
  );
}
