// A message's files: images as thumbnails in a box of the image's shape (so
// the list does not move when they load) that open the full image in a new
// tab; other files as a card with the name, the size and a download link.
import type { FileInfo } from '../api/types';
import { formatBytes } from '../utils/format';
import { Icon } from './icons';

const MAX_WIDTH = 360;
const MAX_HEIGHT = 280;
const FALLBACK_BOX = { width: 240, height: 180 };

/** The image's proportions within the limits (never enlarged); null without dimensions. */
export function imageBox(
  width: number | null | undefined,
  height: number | null | undefined,
  maxWidth = MAX_WIDTH,
  maxHeight = MAX_HEIGHT,
): { width: number; height: number } | null {
  if (!width || !height || width <= 0 || height <= 0) return null;
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Only paths on this server and http(s) links are followed. */
export function safeFileUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  return /^\/(?!\/)/.test(url) || /^https?:\/\//i.test(url) ? url : undefined;
}

/** Shown as a picture: an image the server made a thumbnail of. */
export const showsAsImage = (f: FileInfo) => f.content_type.startsWith('image/') && !!safeFileUrl(f.thumbnail_url);

function ImageAttachment({ file }: { file: FileInfo }) {
  const box = imageBox(file.width, file.height) ?? FALLBACK_BOX;
  return (
    <a
      className="attachment-image"
      href={safeFileUrl(file.url)}
      target="_blank"
      rel="noopener noreferrer"
      title={file.file_name}
      data-testid="attachment-image"
      style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
    >
      <img src={safeFileUrl(file.thumbnail_url)} alt={file.file_name} width={box.width} height={box.height} loading="lazy" />
    </a>
  );
}

function FileAttachment({ file }: { file: FileInfo }) {
  const url = safeFileUrl(file.url);
  return (
    <div className="attachment-file" data-testid="attachment-file">
      <span className="attachment-icon">
        <Icon name="file" size={22} />
      </span>
      <span className="attachment-meta">
        {url ? (
          <a className="attachment-name" href={url} target="_blank" rel="noopener noreferrer" title={file.file_name}>
            {file.file_name}
          </a>
        ) : (
          <span className="attachment-name">{file.file_name}</span>
        )}
        <span className="attachment-size">{formatBytes(file.file_size)}</span>
      </span>
      {url && (
        <a className="icon-button attachment-download" href={url} download={file.file_name} aria-label={`Download ${file.file_name}`}>
          <Icon name="download" />
        </a>
      )}
    </div>
  );
}

export function AttachmentList({ files }: { files: FileInfo[] | undefined }) {
  if (!files?.length) return null;
  return (
    <div className="attachments" data-testid="attachments">
      {files.map((f) => (showsAsImage(f) ? <ImageAttachment key={f.id} file={f} /> : <FileAttachment key={f.id} file={f} />))}
    </div>
  );
}
