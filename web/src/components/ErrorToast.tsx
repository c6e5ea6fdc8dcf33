// Says what the server refused (a pin past the room's limit, a delete the
// user may not make): the chat store keeps the last such error; it shows here
// until dismissed or for a few seconds.
import { useEffect } from 'react';
import { useChat, useServices } from '../app-context';
import { Icon } from './icons';

const SHOW_MS = 8000;

export function ErrorToast() {
  const { chat } = useServices();
  const error = useChat((s) => s.lastError);
  // Offline, requests fail for want of a network: the connection banner says so.
  const online = useChat((s) => s.conn === 'up_to_date');
  useEffect(() => {
    if (!error) return;
    const t = setTimeout(() => chat.setState({ lastError: null }), SHOW_MS);
    return () => clearTimeout(t);
  }, [error, chat]);
  if (!error || !online) return null;
  return (
    <div className="error-toast" role="alert" data-testid="error-toast">
      <span>{error}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => chat.setState({ lastError: null })}>
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}
