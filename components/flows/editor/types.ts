/** The flow as the editor loads it (flows.get). */
export interface EditorFlow {
  id: string;
  name: string;
  status: string;
  triggerEventType: string;
  draftGraph: unknown;
  versions: { version: number; publishedAt: string | Date; publishedBy: { email: string } | null }[];
}
