// Shown for a link to a room the user is not in: a public room can be
// joined from here (its message link then opens); anything else is
// private or gone, and says so.
import { useEffect, useState } from 'react';
import type { Room } from '../api/types';
import { useServices } from '../app-context';

export function JoinPrompt({ roomId, onLeave }: { roomId: string; onLeave: () => void }) {
  const { chat, rest } = useServices();
  const [room, setRoom] = useState<Room | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    rest.getRoom(roomId).then(
      (r) => setRoom(r.type === 'public' ? r : null),
      () => setRoom(null),
    );
  }, [rest, roomId]);
  if (room === undefined)
    return (
      <main className="room-view empty" role="status">
        Loading…
      </main>
    );
  return (
    <main className="room-view empty" data-testid="join-prompt">
      <div className="empty-state">
        {room ? (
          <>
            <h1># {room.name}</h1>
            <p>
              {room.description || 'No description'} · {room.member_count} {room.member_count === 1 ? 'member' : 'members'}
            </p>
            <p>You are not in this room yet.</p>
            <div className="form-actions">
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={async () => {
                  setBusy(true);
                  if (!(await chat.getState().joinRoom(room.id))) setBusy(false);
                }}
              >
                Join #{room.name}
              </button>
              <button type="button" onClick={onLeave}>
                Not now
              </button>
            </div>
          </>
        ) : (
          <>
            <h1>This room is not available</h1>
            <p>It is private, or it no longer exists.</p>
            <div className="form-actions">
              <button type="button" onClick={onLeave}>
                Back
              </button>
            </div>
          </>
        )}
      </div>
    </main>
  );
}
