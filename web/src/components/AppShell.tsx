// The signed-in layout: sidebar, the open room, and a side panel (search
// stays open from room to room; the others belong to the room).
import { useEffect } from 'react';
import { useChat, useServices, useUi } from '../app-context';
import { roomTitle } from '../utils/format';
import { linkedMessage, useHashRoom, useIdle, useTitle, useVisibility } from '../viewmodels/browser';
import { useJumpToMessage } from '../viewmodels/search';
import { useSidebarViewModel } from '../viewmodels/viewmodels';
import { Dialogs } from './Dialogs';
import { ErrorToast } from './ErrorToast';
import { DetailsPanel, ProfilePanel, ThreadPanel } from './Panels';
import { JoinPrompt } from './JoinPrompt';
import { RoomView } from './RoomView';
import { SearchPanel } from './SearchPanel';
import { Sidebar } from './Sidebar';

export function AppShell() {
  const { chat, ui } = useServices();
  const hashRoom = useHashRoom();
  const rooms = useChat((s) => s.rooms);
  const users = useChat((s) => s.users);
  const me = useChat((s) => s.me);
  const active = useChat((s) => s.activeRoomId);
  const panel = useUi((s) => s.panel);
  const sidebarOpen = useUi((s) => s.sidebarOpen);
  const vm = useSidebarViewModel();
  useVisibility(chat);
  useIdle(chat);
  const activeRoom = active ? rooms[active] : undefined;
  useTitle(vm.totalUnread, activeRoom ? roomTitle(activeRoom, me?.id, users) : null);

  // Follow the URL; fall back to the first room once rooms are known.
  const fallback = vm.channels[0]?.id ?? vm.dms[0]?.id ?? null;
  const roomsKnown = Object.keys(rooms).length > 0;
  // A link to a room that is not ours (a public room, shared in a message):
  // offer to join it rather than open another room.
  const outside = hashRoom && roomsKnown && !rooms[hashRoom] ? hashRoom : null;
  const wanted = hashRoom && rooms[hashRoom] ? hashRoom : (hashRoom && !roomsKnown) || outside ? null : fallback;
  useEffect(() => {
    // A message's link opens its room by jumping there (below), not at the latest page.
    if (wanted && wanted === linkedMessage(location.hash)?.room_id) return;
    if (wanted !== chat.getState().activeRoomId) {
      if (ui.getState().panel?.kind !== 'search') ui.getState().setPanel(null);
      ui.getState().setEditing(null);
      void chat.getState().openRoom(wanted);
    }
  }, [wanted, chat, ui]);

  // A message's link opens the message, once its room is known: the jump
  // then leaves the room's own address in the URL.
  const jump = useJumpToMessage();
  const linked = hashRoom ? linkedMessage(location.hash) : null;
  const linkedRoomKnown = !!linked && !!rooms[linked.room_id];
  useEffect(() => {
    const target = linkedMessage(location.hash);
    if (!target || !linkedRoomKnown) return;
    void jump(target);
  }, [linked?.id, linkedRoomKnown, jump, chat]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !ui.getState().dialog && !e.defaultPrevented) ui.getState().setPanel(null);
      // Ctrl/Cmd+K: the quick switcher, as in Slack.
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k' && !e.altKey) {
        e.preventDefault();
        ui.getState().setDialog(ui.getState().dialog === 'switch_room' ? null : 'switch_room');
      }
      // Alt+Up/Down moves between rooms in sidebar order.
      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        const links = [...document.querySelectorAll<HTMLAnchorElement>('[data-testid="room-link"]')];
        const i = links.findIndex((l) => l.getAttribute('aria-current') === 'page');
        const next = links[(i + (e.key === 'ArrowDown' ? 1 : -1) + links.length) % links.length];
        if (next) {
          e.preventDefault();
          location.hash = next.getAttribute('href') ?? '';
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ui]);

  useEffect(() => {
    const t = setInterval(() => chat.getState().pruneTyping(), 1000);
    return () => clearInterval(t);
  }, [chat]);

  return (
    <div className={`shell${panel ? ' with-panel' : ''}`}>
      <Sidebar />
      {sidebarOpen && <div className="scrim" onClick={() => ui.getState().setSidebarOpen(false)} aria-hidden="true" />}
      {outside ? (
        <JoinPrompt key={`join-${outside}`} roomId={outside} onLeave={() => (location.hash = fallback ? `#/r/${fallback}` : '')} />
      ) : active && activeRoom ? (
        <RoomView key={`room-${active}`} roomId={active} />
      ) : (
        <main className="room-view empty">
          <div className="empty-state">
            <h1>Welcome to Parlor</h1>
            <p>Create a room, browse public rooms, or start a direct message.</p>
            <div className="form-actions">
              <button type="button" className="primary" onClick={() => ui.getState().setDialog('create_room')}>
                Create a room
              </button>
              <button type="button" onClick={() => ui.getState().setDialog('browse_rooms')}>
                Browse rooms
              </button>
            </div>
          </div>
        </main>
      )}
      {active && panel?.kind === 'thread' && <ThreadPanel key={`thread-${panel.parentId}`} roomId={active} parentId={panel.parentId} />}
      {active && panel?.kind === 'details' && <DetailsPanel key={`details-${active}`} roomId={active} />}
      {panel?.kind === 'profile' && <ProfilePanel key={`profile-${panel.userId}`} userId={panel.userId} />}
      {panel?.kind === 'search' && <SearchPanel />}
      <Dialogs />
      <ErrorToast />
    </div>
  );
}
