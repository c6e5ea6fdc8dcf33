// A variable-height virtualized list for chat: only the rows near the
// viewport are mounted; row heights are measured as they render and
// estimated before. It sticks to the bottom while the reader is there, and
// otherwise keeps the first visible row in place when rows are added above
// (infinite scroll up) or resized. A list that does not end with the newest
// rows (after a jump) does not stick to the bottom: it loads on (onNearBottom).
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: T[];
  getKey: (item: T) => string;
  render: (item: T) => ReactNode;
  estimate?: number;
  overscan?: number;
  onNearTop?: () => void;
  onNearBottom?: () => void;
  /** Follow the end while the reader is there (default); off while rows are still to come below. */
  stickToBottom?: boolean;
  onAtBottomChange?: (atBottom: boolean) => void;
  className?: string;
  label: string;
  /** Rows that may serve as the scroll anchor; default: all. */
  anchorable?: (item: T) => boolean;
  /** Filled with a function that scrolls to the end and sticks there. */
  scrollToEndRef?: { current: (() => void) | null };
  /** Filled with a function that brings a row into view (a third down) and keeps it there; false if absent. */
  scrollToKeyRef?: { current: ((key: string) => boolean) | null };
}

const BOTTOM_SLACK = 48;

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, getKey, render, estimate = 64, overscan = 600, onNearTop, onNearBottom, onAtBottomChange } = props;
  const stick = props.stickToBottom ?? true;
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [view, setView] = useState({ top: 0, height: 800 });
  const atBottom = useRef(true);
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const observer = useRef<ResizeObserver | null>(null);
  const elements = useRef(new Map<Element, string>());

  const keys = useMemo(() => items.map(getKey), [items, getKey]);
  const offsets = useMemo(() => {
    const out = new Array<number>(keys.length + 1);
    out[0] = 0;
    for (let i = 0; i < keys.length; i++) out[i + 1] = out[i] + (heights.current.get(keys[i]) ?? estimate);
    return out;
    // heights is a ref: the version counter re-runs this when a row is measured.
  }, [keys, estimate, version]);
  const total = offsets[keys.length];

  const indexAt = (y: number) => {
    let lo = 0;
    let hi = keys.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  };

  const first = keys.length ? indexAt(Math.max(0, view.top - overscan)) : 0;
  const last = keys.length ? indexAt(view.top + view.height + overscan) : -1;

  useEffect(() => {
    observer.current = new ResizeObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const key = elements.current.get(e.target);
        if (!key) continue;
        const h = Math.ceil((e.target as HTMLElement).offsetHeight);
        if (h && heights.current.get(key) !== h) {
          heights.current.set(key, h);
          changed = true;
        }
      }
      if (changed) setVersion((v) => v + 1);
    });
    return () => observer.current?.disconnect();
  }, []);

  const refCache = useRef(new Map<string, (el: HTMLDivElement | null) => () => void>());
  const measureRef = useCallback((key: string) => {
    let fn = refCache.current.get(key);
    if (!fn) {
      fn = (el: HTMLDivElement | null) => {
        if (!el) return () => undefined;
        elements.current.set(el, key);
        const h = Math.ceil(el.offsetHeight);
        if (h && heights.current.get(key) !== h) {
          heights.current.set(key, h);
          setVersion((v) => v + 1);
        }
        observer.current?.observe(el);
        return () => {
          observer.current?.unobserve(el);
          elements.current.delete(el);
          refCache.current.delete(key);
        };
      };
      refCache.current.set(key, fn);
    }
    return fn;
  }, []);

  // Restore the reader's place after any change of content or size.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (atBottom.current && stick) {
      const target = el.scrollHeight - el.clientHeight;
      if (Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
    } else if (anchor.current) {
      const i = keys.indexOf(anchor.current.key);
      if (i >= 0) {
        const want = offsets[i] - anchor.current.delta;
        if (Math.abs(el.scrollTop - want) > 1) el.scrollTop = want;
      }
    }
  });

  useEffect(() => {
    if (!props.scrollToEndRef) return;
    props.scrollToEndRef.current = () => {
      const el = scroller.current;
      if (!el) return;
      atBottom.current = true;
      onAtBottomChange?.(true);
      el.scrollTop = el.scrollHeight;
    };
  });

  useEffect(() => {
    if (!props.scrollToKeyRef) return;
    props.scrollToKeyRef.current = (key) => {
      const el = scroller.current;
      const i = keys.indexOf(key);
      if (!el || i < 0) return false;
      const top = Math.max(0, offsets[i] - el.clientHeight / 3);
      atBottom.current = false;
      onAtBottomChange?.(false);
      // Anchored on the row, it stays in place while rows around it are measured.
      anchor.current = { key, delta: offsets[i] - top };
      el.scrollTop = top;
      setView({ top, height: el.clientHeight });
      return true;
    };
  });

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      onAtBottomChange?.(bottom);
    }
    // Anchor on a row that stays put when older rows come in (a message, not
    // the header row or a day separator, which move to the top).
    let i = keys.length ? indexAt(el.scrollTop) : -1;
    while (i >= 0 && i < keys.length - 1 && props.anchorable && !props.anchorable(items[i])) i++;
    anchor.current = i >= 0 ? { key: keys[i], delta: offsets[i] - el.scrollTop } : null;
    setView({ top: el.scrollTop, height: el.clientHeight });
    if (el.scrollTop < overscan) onNearTop?.();
    if (el.scrollHeight - el.scrollTop - el.clientHeight < overscan) onNearBottom?.();
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setView({ top: el.scrollTop, height: el.clientHeight });
    const ro = new ResizeObserver(() => setView({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // A short first page may not fill the screen: ask for more at once.
  useEffect(() => {
    if (total < view.height + overscan) onNearTop?.();
  }, [total, view.height, overscan, onNearTop]);
  useEffect(() => {
    if (!stick && total < view.height + overscan) onNearBottom?.();
  }, [stick, total, view.height, overscan, onNearBottom]);

  const rows: ReactNode[] = [];
  for (let i = first; i <= last && i < keys.length; i++) {
    rows.push(
      <div key={keys[i]} ref={measureRef(keys[i])} className="vrow" style={{ top: offsets[i] }}>
        {render(items[i])}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className={`vlist ${props.className ?? ''}`}
      onScroll={onScroll}
      role="log"
      aria-label={props.label}
      aria-live="polite"
      tabIndex={0}
    >
      <div className="vlist-inner" style={{ height: total }}>
        {rows}
      </div>
    </div>
  );
}
