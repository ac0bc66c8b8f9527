import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../trpc';
import type { WebhookSample } from './draft';

const SAVE_AFTER_MS = 800;

/**
 * The test-send sample kept on the server per webhook and per person: loaded once when the editor opens a
 * saved webhook, saved shortly after each change, and handed to a webhook just created (`saveFor`).
 * `loadedKey` changes when a stored sample arrives, so the sample's text boxes start from it; what the person
 * already typed before it arrived wins (and is saved), so a slow load never throws their typing away.
 */
export function useWebhookSample(webhookId: string | null, sample: WebhookSample, setSample: (sample: WebhookSample) => void) {
  const trpc = useTRPC();
  const stored = useQuery({ ...trpc.webhooks.sample.queryOptions({ id: webhookId ?? '' }), enabled: webhookId !== null, refetchOnWindowFocus: false });
  const save = useMutation(trpc.webhooks.saveSample.mutationOptions());
  const saveSample = save.mutateAsync;
  const [loadedKey, setLoadedKey] = useState('initial');
  const applied = useRef(false);
  const lastSaved = useRef<string | null>(null);
  const [untouched] = useState(() => JSON.stringify(sample));

  useEffect(() => {
    if (applied.current || !stored.isSuccess) return;
    applied.current = true;
    if (stored.data && JSON.stringify(sample) === untouched) {
      lastSaved.current = JSON.stringify(stored.data);
      setSample(stored.data);
      setLoadedKey('stored');
    } else if (webhookId && JSON.stringify(sample) !== untouched) {
      lastSaved.current = JSON.stringify(sample);
      void saveSample({ id: webhookId, sample }).catch(() => undefined);
    }
  }, [stored.isSuccess, stored.data, setSample, sample, untouched, webhookId, saveSample]);

  useEffect(() => {
    if (!webhookId || !applied.current) return;
    const text = JSON.stringify(sample);
    if (text === lastSaved.current) return;
    const timer = setTimeout(() => {
      lastSaved.current = text;
      void saveSample({ id: webhookId, sample }).catch(() => undefined);
    }, SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [sample, webhookId, saveSample]);

  return { loadedKey, saveFor: (id: string) => saveSample({ id, sample }) };
}
