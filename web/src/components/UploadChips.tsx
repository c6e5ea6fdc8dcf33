// The files attached to a draft, above the composer's input: one chip per
// file with a preview for images, its size, the upload's progress or error,
// and a button to remove it.
import { useServices, useUploads } from '../app-context';
import type { UploadChip } from '../stores/uploads';
import { formatBytes } from '../utils/format';
import { useObjectUrl } from '../viewmodels/files';
import { Icon } from './icons';

const NONE: UploadChip[] = [];

function chipLine(c: UploadChip): string {
  switch (c.status) {
    case 'uploading':
      return `${formatBytes(c.size)} · ${Math.round(c.progress * 100)}%`;
    case 'sending':
      return 'Sending…';
    case 'error':
      return c.error ?? 'Upload failed';
    default:
      return formatBytes(c.size);
  }
}

function Chip({ chip, onRemove }: { chip: UploadChip; onRemove: () => void }) {
  const preview = useObjectUrl(chip.type.startsWith('image/') && chip.status !== 'error' ? chip.file : null);
  return (
    <li className={`upload-chip ${chip.status}`} data-testid="upload-chip" data-status={chip.status}>
      {preview ? (
        <img className="upload-preview" src={preview} alt="" />
      ) : (
        <span className="upload-icon">
          <Icon name="file" />
        </span>
      )}
      <span className="upload-text">
        <span className="upload-name" title={chip.name}>
          {chip.name}
        </span>
        <span className={`upload-sub${chip.status === 'error' ? ' error-text' : ''}`}>{chipLine(chip)}</span>
        {chip.status === 'uploading' && (
          <progress className="upload-progress" max={1} value={chip.progress} aria-label={`Uploading ${chip.name}`} />
        )}
      </span>
      <button
        type="button"
        className="icon-button upload-remove"
        aria-label={`Remove ${chip.name}`}
        disabled={chip.status === 'sending'}
        onClick={onRemove}
      >
        <Icon name="close" size={14} />
      </button>
    </li>
  );
}

export function UploadChips({ draft }: { draft: string }) {
  const { uploads } = useServices();
  const chips = useUploads((s) => s.drafts[draft]) ?? NONE;
  const notice = useUploads((s) => s.notices[draft]);
  if (!chips.length && !notice) return null;
  return (
    <div className="upload-area">
      {notice && (
        <p className="upload-notice" role="alert">
          {notice}
        </p>
      )}
      {chips.length > 0 && (
        <ul className="upload-chips" aria-label="Files to send">
          {chips.map((c) => (
            <Chip key={c.key} chip={c} onRemove={() => uploads.getState().remove(draft, c.key)} />
          ))}
        </ul>
      )}
    </div>
  );
}
