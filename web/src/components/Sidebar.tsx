// The sidebar: the user's own status, the connection state, rooms and DMs
// with unread and mention badges and presence dots.
import { Icon } from './icons';
import { useChat, useServices, useUi, useUploads } from '../app-context';
import type { ConnState } from '../stores/chat';
import { displayName } from '../utils/format';
import { useSidebarViewModel, type RoomItem } from '../viewmodels/viewmodels';
import { Avatar, Badge, PresenceDot, statusLabel } from './common';

const CONN_TEXT: Record<ConnState, string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  catching_up: 'Catching up…',
  up_to_date: 'Up to date',
  unauthorized: 'Signed out — sign in again',
};

export function ConnectionState() {
  const conn = useChat((s) => s.conn);
  return (
    <div className={`conn conn-${conn}`} role="status" aria-live="polite" data-testid="conn-state" data-state={conn}>
      <span className="conn-dot" aria-hidden="true" />
      {CONN_TEXT[conn]}
    </div>
  );
}

function RoomLink({ item }: { item: RoomItem }) {
  const { ui } = useServices();
  // An unsent draft is marked, as Slack does, except in the room on screen.
  const draft = useUploads((s) => !item.active && !!s.texts[item.id]?.trim());
  return (
    <li>
      <a
        href={`#/r/${item.id}`}
        className={`room-link${item.active ? ' active' : ''}${item.unread ? ' has-unread' : ''}${item.archived ? ' archived' : ''}`}
        aria-current={item.active ? 'page' : undefined}
        data-testid="room-link"
        data-room-id={item.id}
        onClick={() => ui.getState().setSidebarOpen(false)}
      >
        {item.type === 'dm' ? (
          <PresenceDot status={item.presence} />
        ) : (
          <span className="room-glyph" aria-hidden="true">
            {item.type === 'private' ? <Icon name="lock" size={13} /> : '#'}
          </span>
        )}
        <span className="room-name">
          {item.title}
          {item.archived && <span className="visually-muted"> (archived)</span>}
        </span>
        {draft && (
          <span className="draft-mark" data-testid="draft-mark" title="Unsent draft" aria-label="unsent draft">
            <Icon name="edit" size={12} />
          </span>
        )}
        <Badge count={item.mentions} kind="mention" label={`${item.mentions} mentions`} />
        <Badge count={item.unread} kind="unread" label={`${item.unread} unread`} />
      </a>
    </li>
  );
}

export function Sidebar() {
  const { ui, session, chat } = useServices();
  const vm = useSidebarViewModel();
  const me = useChat((s) => s.me);
  const conn = useChat((s) => s.conn);
  const open = useUi((s) => s.sidebarOpen);
  // Our own socket being up is what makes us online; the server's copy of
  // our status may predate this connection.
  const connected = conn === 'up_to_date' || conn === 'catching_up';
  const myStatus = !connected ? 'offline' : !me?.status || me.status === 'offline' ? 'online' : me.status;
  return (
    <nav className={`sidebar${open ? ' open' : ''}`} aria-label="Rooms and direct messages">
      <div className="sidebar-top">
        <button type="button" className="me-button" aria-label="Set your status" onClick={() => ui.getState().setDialog('status')}>
          <Avatar name={displayName(me)} url={me?.avatar_url} size={32} status={myStatus} />
          <span className="me-text">
            <span className="me-name" data-testid="me-name">{displayName(me)}</span>
            <span className="me-status">{me?.custom_status || statusLabel(myStatus)}</span>
          </span>
        </button>
        <ConnectionState />
        <button type="button" className="jump-to" onClick={() => ui.getState().setDialog('switch_room')}>
          <Icon name="search" size={14} /> Jump to… <kbd>Ctrl K</kbd>
        </button>
      </div>
      <div className="sidebar-scroll">
        <section aria-labelledby="rooms-h">
          <div className="section-head">
            <h2 id="rooms-h">Rooms</h2>
            <button type="button" className="icon-button" aria-label="Browse public rooms" onClick={() => ui.getState().setDialog('browse_rooms')}>
              <Icon name="search" />
            </button>
            <button type="button" className="icon-button" aria-label="Create a room" onClick={() => ui.getState().setDialog('create_room')}>
              <Icon name="plus" />
            </button>
          </div>
          <ul className="room-list">
            {vm.channels.map((r) => (
              <RoomLink key={r.id} item={r} />
            ))}
          </ul>
        </section>
        <section aria-labelledby="dms-h">
          <div className="section-head">
            <h2 id="dms-h">Direct messages</h2>
            <button type="button" className="icon-button" aria-label="Start a direct message" onClick={() => ui.getState().setDialog('new_dm')}>
              <Icon name="plus" />
            </button>
          </div>
          <ul className="room-list">
            {vm.dms.map((r) => (
              <RoomLink key={r.id} item={r} />
            ))}
          </ul>
        </section>
      </div>
      <div className="sidebar-bottom">
        {typeof Notification !== 'undefined' && Notification.permission === 'default' && (
          <button type="button" className="link-button" onClick={() => void Notification.requestPermission()}>
            Enable desktop notifications
          </button>
        )}
        <button type="button" className="link-button" onClick={() => me && ui.getState().setPanel({ kind: 'profile', userId: me.id })}>
          Profile
        </button>
        <button
          type="button"
          className="link-button"
          onClick={async () => {
            chat.getState().stop();
            await session.getState().signOut();
            location.hash = '';
          }}
        >
          Sign out
        </button>
      </div>
    </nav>
  );
}
