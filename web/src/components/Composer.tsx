// The message composer: Enter sends, Shift+Enter breaks the line, @ opens
// member autocomplete, Up in an empty box edits the user's last message, and
// typing is reported at most every 3 s. Files come from the paperclip, a
// pasted image or a drop on the view (see RoomView); they upload at once and
// show as chips until the message carrying them is sent.
import { Icon } from './icons';
import { useEffect, useRef, useState } from 'react';
import { useChat, useServices, useUploads } from '../app-context';
import type { ReturnedSend, UploadChip } from '../stores/uploads';
import { draftKey, draftReady } from '../stores/uploads';
import { mentionedNames } from '../utils/format';
import { sendDraft } from '../viewmodels/composer';
import { pastedImages } from '../viewmodels/files';
import { useMentionCandidates } from '../viewmodels/viewmodels';
import { EmojiPicker } from './common';
import { UploadChips } from './UploadChips';

const NO_CHIPS: UploadChip[] = [];

function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([A-Za-z0-9_.-]*)$/.exec(before);
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2] };
}

export function Composer({ roomId, parentId, placeholder }: { roomId: string; parentId?: string; placeholder: string }) {
  const { chat, ui, uploads } = useServices();
  const archived = useChat((s) => !!s.rooms[roomId]?.archived);
  const draft = draftKey(roomId, parentId);
  const chips = useUploads((s) => s.drafts[draft]) ?? NO_CHIPS;
  const returned = useUploads((s) => s.returned[draft]);
  const retryOf = useRef<ReturnedSend | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const text = useUploads((s) => s.texts[draft]) ?? '';
  const setText = (next: string) => uploads.getState().setText(draft, next);
  const [caret, setCaret] = useState(0);
  const [picker, setPicker] = useState(false);
  const [sel, setSel] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const mq = mentionQuery(text, caret);
  const active = mq && dismissed !== mq.start ? mq : null;
  const candidates = useMentionCandidates(roomId, active ? active.query : null);
  const listId = `mentions-${parentId ?? roomId}`;

  const ready = draftReady(text, chips);

  // A send the server refused comes back: its text goes back in the box.
  useEffect(() => {
    if (!returned) return;
    retryOf.current = returned;
    if (returned.text) {
      const t = uploads.getState().texts[draft] ?? '';
      uploads.getState().setText(draft, t.trim() ? `${returned.text}\n${t}` : returned.text);
    }
    uploads.getState().setReturned(draft, null);
  }, [returned, uploads, draft]);

  const send = () => {
    if (!ready.canSend) {
      if (ready.reason) uploads.getState().setNotice(draft, ready.reason);
      return;
    }
    const content = text.trim();
    const s = chat.getState();
    const byName = new Map(Object.values(s.users).map((u) => [u.username, u.id]));
    for (const m of s.members[roomId] ?? []) byName.set(m.username, m.id);
    const mentions = mentionedNames(content)
      .map((n) => byName.get(n))
      .filter((x): x is string => !!x);
    const retry = retryOf.current;
    retryOf.current = null;
    void sendDraft({ chat, uploads }, { draft, roomId, parentId, text: content, mentions, retryOf: retry });
    setText('');
    setCaret(0);
  };

  const attach = (files: File[]) => {
    if (files.length && !archived) uploads.getState().add(draft, files);
  };

  const complete = (username: string) => {
    if (!active) return;
    const next = `${text.slice(0, active.start)}@${username} ${text.slice(caret)}`;
    const pos = active.start + username.length + 2;
    setText(next);
    setCaret(pos);
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(pos, pos);
    });
  };

  const onChange = (value: string, pos: number) => {
    setText(value);
    setCaret(pos);
    setSel(0);
    if (value.trim()) chat.getState().typingStart(roomId);
    else chat.getState().typingStop(roomId);
  };

  const editLast = () => {
    const s = chat.getState();
    const tl = s.timelines[roomId];
    const meId = s.me?.id;
    if (!tl || !meId) return false;
    let best: { id: string; seq: number } | null = null;
    for (const m of Object.values(tl.byId)) {
      if (m.sender_id !== meId || m.deleted || (m.parent_id ?? undefined) !== parentId) continue;
      if (!best || m.seq > best.seq) best = m;
    }
    if (!best) return false;
    ui.getState().setEditing(best.id);
    return true;
  };

  const showList = active && candidates.length > 0;

  return (
    <div className="composer">
      <UploadChips draft={draft} />
      {showList && (
        <ul className="mention-list" id={listId} role="listbox" aria-label="Mention suggestions">
          {candidates.map((u, i) => (
            <li
              key={u.id}
              id={`${listId}-${u.id}`}
              role="option"
              aria-selected={i === sel}
              className={i === sel ? 'selected' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                complete(u.username);
              }}
            >
              <strong>@{u.username}</strong> {u.display_name && u.display_name !== u.username ? u.display_name : ''}
            </li>
          ))}
        </ul>
      )}
      <div className="composer-row">
        <textarea
          ref={box}
          aria-label={placeholder}
          autoFocus={!!parentId || !!window.matchMedia?.('(min-width: 761px)').matches}
          placeholder={archived ? 'This room is archived' : placeholder}
          disabled={archived}
          value={text}
          rows={Math.min(8, text.split('\n').length)}
          role="combobox"
          aria-expanded={!!showList}
          aria-controls={showList ? listId : undefined}
          aria-autocomplete="list"
          aria-activedescendant={showList ? `${listId}-${candidates[sel]?.id}` : undefined}
          onChange={(e) => onChange(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onBlur={() => chat.getState().typingStop(roomId)}
          onPaste={(e) => {
            const images = pastedImages(e.clipboardData);
            if (!images.length || archived) return;
            e.preventDefault();
            attach(images);
          }}
          onKeyDown={(e) => {
            if (showList) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const d = e.key === 'ArrowDown' ? 1 : -1;
                setSel((sel + d + candidates.length) % candidates.length);
                return;
              }
              if (e.key === 'Enter' || e.key === 'Tab') {
                e.preventDefault();
                complete(candidates[sel].username);
                return;
              }
              if (e.key === 'Escape') {
                e.preventDefault();
                setDismissed(active!.start);
                return;
              }
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            } else if (e.key === 'ArrowUp' && !text) {
              if (editLast()) e.preventDefault();
            }
          }}
        />
        <div className="composer-tools">
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            tabIndex={-1}
            data-testid="file-input"
            onChange={(e) => {
              attach(Array.from(e.target.files ?? []));
              e.target.value = '';
            }}
          />
          <button
            type="button"
            className="icon-button"
            aria-label="Attach files"
            title="Attach files"
            disabled={archived}
            onClick={() => fileInput.current?.click()}
          >
            <Icon name="paperclip" />
          </button>
          <button type="button" className="icon-button" aria-label="Insert emoji" aria-expanded={picker} onClick={() => setPicker((v) => !v)}>
            <Icon name="smile" />
          </button>
          <button
            type="button"
            className="primary send-button"
            aria-label="Send message"
            title={ready.reason}
            disabled={!ready.canSend || archived}
            onClick={send}
          >
            Send
          </button>
        </div>
        {picker && (
          <EmojiPicker
            onClose={() => setPicker(false)}
            onPick={(emoji) => {
              const pos = box.current?.selectionStart ?? text.length;
              const next = text.slice(0, pos) + emoji + text.slice(pos);
              setText(next);
              setPicker(false);
              requestAnimationFrame(() => {
                box.current?.focus();
                box.current?.setSelectionRange(pos + emoji.length, pos + emoji.length);
              });
            }}
          />
        )}
      </div>
    </div>
  );
}
