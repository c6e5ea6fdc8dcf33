// The search panel: a query (searched 250 ms after the last keystroke), the
// scope ("This room" / "All rooms"), a "Has files" filter, and the results,
// newest first, page by page. A result opens its message in its room.
import { useEffect, useState } from 'react';
import { useChat, useSearch, useServices } from '../app-context';
import { MAX_QUERY } from '../stores/search';
import { renderParts } from '../utils/snippet';
import { useJumpToMessage, useSearchHits, type SearchHit } from '../viewmodels/search';
import { Icon } from './icons';
import { PanelFrame } from './Panels';

function HitItem({ hit, onOpen }: { hit: SearchHit; onOpen: () => void }) {
  return (
    <li>
      <button type="button" className="search-hit" data-testid="search-result" data-message-id={hit.id} onClick={onOpen}>
        <span className="search-hit-head">
          <span className="search-hit-room">{hit.room}</span>
          <span className="search-hit-sender">{hit.sender}</span>
          <time dateTime={hit.message.created_at}>{hit.when}</time>
        </span>
        <span className="search-hit-snippet" data-testid="search-snippet">
          {renderParts(hit.parts)}
        </span>
        {(hit.inThread || hit.files > 0) && (
          <span className="search-hit-meta">
            {hit.inThread && <span>In a thread</span>}
            {hit.files > 0 && (
              <span className="search-hit-files">
                <Icon name="paperclip" size={12} /> {hit.files} {hit.files === 1 ? 'file' : 'files'}
              </span>
            )}
          </span>
        )}
      </button>
    </li>
  );
}

export function SearchPanel() {
  const { search } = useServices();
  const activeRoomId = useChat((s) => s.activeRoomId);
  const activeRoom = useChat((s) => (s.activeRoomId ? s.rooms[s.activeRoomId] : undefined));
  const query = useSearch((s) => s.query);
  const scope = useSearch((s) => s.scope);
  const hasFile = useSearch((s) => s.hasFile);
  const status = useSearch((s) => s.status);
  const error = useSearch((s) => s.error);
  const nextCursor = useSearch((s) => s.nextCursor);
  const loadingMore = useSearch((s) => s.loadingMore);
  const hits = useSearchHits();
  const jump = useJumpToMessage();
  const [jumpError, setJumpError] = useState<string | null>(null);

  useEffect(() => {
    search.getState().setRoom(activeRoomId);
  }, [search, activeRoomId]);

  const inRoom = scope === 'room' && !!activeRoom;
  const where = inRoom ? (activeRoom.type === 'dm' ? 'this conversation' : `#${activeRoom.name}`) : 'all your rooms';
  const s = search.getState();

  return (
    <PanelFrame title="Search" testId="search-panel">
      <div className="search-controls">
        <input
          type="search"
          aria-label="Search messages"
          placeholder={`Search ${where}`}
          value={query}
          maxLength={MAX_QUERY}
          autoFocus
          onChange={(e) => {
            setJumpError(null);
            s.setQuery(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void s.search();
          }}
        />
        <div className="search-filters">
          <div className="segmented" role="group" aria-label="Where to search">
            <button type="button" aria-pressed={inRoom} disabled={!activeRoom} onClick={() => s.setScope('room')}>
              This room
            </button>
            <button type="button" aria-pressed={!inRoom} onClick={() => s.setScope('all')}>
              All rooms
            </button>
          </div>
          <button type="button" className="toggle" aria-pressed={hasFile} onClick={() => s.setHasFile(!hasFile)}>
            <Icon name="paperclip" size={14} /> Has files
          </button>
        </div>
      </div>
      <div className="panel-scroll search-scroll" aria-busy={status === 'loading'}>
        {status === 'idle' && (
          <p className="muted search-note">
            Search {where}. Every word must match; the last may be the start of a word. Turn on “Has files” to list messages with files.
          </p>
        )}
        {status === 'loading' && hits.length === 0 && (
          <p className="list-note" role="status">
            Searching…
          </p>
        )}
        {status === 'error' && (
          <p className="search-note" role="alert">
            <span className="error-text">Search failed: {error}</span>{' '}
            <button type="button" className="link-button" onClick={() => void s.search()}>
              Try again
            </button>
          </p>
        )}
        {status === 'ready' && hits.length === 0 && (
          <p className="list-note" role="status" data-testid="search-empty">
            {query.trim() ? `No messages match “${query.trim()}”` : 'No messages with files'} in {where}.
          </p>
        )}
        {jumpError && (
          <p className="error-text search-note" role="alert">
            {jumpError}
          </p>
        )}
        {hits.length > 0 && status !== 'idle' && (
          <ul className={`search-hits${status === 'loading' ? ' stale' : ''}`} aria-label="Search results">
            {hits.map((h) => (
              <HitItem
                key={h.id}
                hit={h}
                onOpen={() => {
                  setJumpError(null);
                  void jump(h.message).then((ok) => ok || setJumpError('That message could not be opened.'));
                }}
              />
            ))}
          </ul>
        )}
        {status === 'ready' && error && (
          <p className="error-text search-note" role="alert">
            {error}
          </p>
        )}
        {status === 'ready' && nextCursor && (
          <button type="button" className="wide search-more" disabled={loadingMore} onClick={() => void s.loadMore()}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </PanelFrame>
  );
}
