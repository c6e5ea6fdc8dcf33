// The open room: header, the virtualized message list with infinite scroll
// up, the typing line and the composer.
import { Icon } from './icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useChat, useServices, useUi } from '../app-context';
import { displayName } from '../utils/format';
import { useRoomViewModel, useTypingLine, type Row } from '../viewmodels/viewmodels';
import { PresenceDot, statusLabel } from './common';
import { Composer } from './Composer';
import { MessageItem, PendingItem } from './MessageItem';
import { VirtualList } from './VirtualList';

export function RowView({ row, inThread = false }: { row: Row; inThread?: boolean }) {
  switch (row.kind) {
    case 'loading':
      return <div className="list-note">Loading older messages…</div>;
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
    case 'message':
      return <MessageItem message={row.message} grouped={row.grouped} inThread={inThread} />;
    case 'pending':
      return <PendingItem pending={row.pending} grouped={row.grouped} />;
    case 'seen':
      return (
        <div className="seen-mark" data-testid="seen-mark">
          Seen
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

export function RoomView({ roomId }: { roomId: string }) {
  const { chat, ui } = useServices();
  const vm = useRoomViewModel(roomId);
  const panel = useUi((s) => s.panel);
  const onNearTop = useCallback(() => void chat.getState().loadOlder(roomId), [chat, roomId]);
  const [atBottom, setAtBottom] = useState(true);
  const toEnd = useRef<(() => void) | null>(null);
  const pendingCount = useChat((s) => s.pending[roomId]?.length ?? 0);
  const lastPending = useRef(pendingCount);
  useEffect(() => {
    // Sending jumps to the end, as in every chat app.
    if (pendingCount > lastPending.current) toEnd.current?.();
    lastPending.current = pendingCount;
  }, [pendingCount]);

  useEffect(() => {
    void chat.getState().loadMembers(roomId);
  }, [chat, roomId]);

  if (!vm.room) return <main className="room-view empty">This room is no longer available.</main>;
  const room = vm.room;

  return (
    <main className="room-view" aria-label={`Room ${vm.title}`}>
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
          anchorable={anchorable}
          onAtBottomChange={setAtBottom}
          scrollToEndRef={toEnd}
          className="message-list"
        />
      ) : (
        <div className="message-list list-note" role="status">
          Loading messages…
        </div>
      )}
      {!atBottom && vm.rows && (
        <button type="button" className="jump-latest" onClick={() => toEnd.current?.()}>
          Jump to latest ↓
        </button>
      )}
      <TypingLine roomId={roomId} />
      <Composer roomId={roomId} placeholder={`Message ${room.type === 'dm' ? displayName({ username: vm.title }) : `#${vm.title}`}`} />
    </main>
  );
}
