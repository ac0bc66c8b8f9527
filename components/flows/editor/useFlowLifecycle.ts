import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc';

/**
 * Publishing, pausing, resuming (or restoring) and archiving the flow; each success reloads the flow. A
 * publish the server refuses is not an error here: PublishDialog shows its problems.
 */
export function useFlowLifecycle(flowId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.flows.get.queryKey({ id: flowId }) });
  // A refusal is shown in the publish dialog; the live problems are the validator's own.
  const publish = useMutation(trpc.flows.publish.mutationOptions({ onSuccess: (r) => (r.ok ? void refresh() : undefined) }));
  const pause = useMutation(trpc.flows.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.flows.resume.mutationOptions({ onSuccess: refresh }));
  const archive = useMutation(trpc.flows.archive.mutationOptions({ onSuccess: refresh }));
  return {
    publish,
    pause,
    resume,
    archive,
    /** the version the last publish made, once it succeeded */
    publishedVersion: publish.data?.ok ? publish.data.version : null,
    error: publish.error ?? pause.error ?? resume.error ?? archive.error,
  };
}

export type FlowLifecycle = ReturnType<typeof useFlowLifecycle>;
