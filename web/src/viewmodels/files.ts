// Browser glue for files: dropping them on a view, pasting a screenshot, and
// a local preview URL for a picked image.
import { useEffect, useRef, useState, type DragEvent } from 'react';

/**
 * Images pasted on their own (a screenshot, "Copy image"). When the
 * clipboard has plain text too (a spreadsheet's cells come with a picture
 * of them), the text is what was meant and nothing is attached.
 */
export function pastedImages(data: { files: ArrayLike<File>; types: ArrayLike<string> } | null | undefined): File[] {
  if (!data || Array.from(data.types).includes('text/plain')) return [];
  return Array.from(data.files).filter((f) => f.type.startsWith('image/'));
}

const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/** Handlers for a drop zone, and whether files are being dragged over it. */
export function useFileDrop(onFiles: (files: File[]) => void, enabled = true) {
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them.
  const depth = useRef(0);
  const handlers = {
    onDragEnter(e: DragEvent) {
      if (!enabled || !carriesFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setDragging(true);
    },
    onDragOver(e: DragEvent) {
      if (!enabled || !carriesFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave(e: DragEvent) {
      if (!enabled || !carriesFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (!depth.current) setDragging(false);
    },
    onDrop(e: DragEvent) {
      if (!enabled || !carriesFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer.files);
      if (files.length) onFiles(files);
    },
  };
  return { dragging, handlers };
}

/** An object URL for a local file while the component shows it. */
export function useObjectUrl(file: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!file) {
      setUrl(null);
      return;
    }
    const u = URL.createObjectURL(file);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [file]);
  return url;
}
