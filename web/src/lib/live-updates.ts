import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { refreshAfterChange } from './programme-data';

/** Server-Sent Events from the API: any programme change refreshes the views that show it. */
export function useLiveUpdates(enabled: boolean): boolean {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/events/stream');
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('programme', (event) => {
      let programmeId: string | undefined;
      try {
        programmeId = (JSON.parse((event as MessageEvent<string>).data) as { programmeId?: string }).programmeId;
      } catch {
        programmeId = undefined;
      }
      void refreshAfterChange(queryClient, programmeId);
    });
    return () => source.close();
  }, [enabled, queryClient]);
  return connected;
}
