/**
 * Flow graphs in the document and in the database differ only in how a webhook step names its webhook: by
 * system name in the document (portable between installations), by id in the database.
 */
import type { FlowGraph, FlowNode } from '../../domain/flow/graph';
import type { DocumentGraph } from './document';

type DocumentNode = DocumentGraph['nodes'][number];

/** `systemNameOf` answers undefined for a webhook that no longer exists; such steps get an empty name. */
export function toDocumentGraph(graph: FlowGraph, systemNameOf: (webhookId: string) => string | undefined): { graph: DocumentGraph; missing: string[] } {
  const missing: string[] = [];
  const nodes = graph.nodes.map((node): DocumentNode => {
    if (node.type !== 'webhook') return node;
    const webhook = systemNameOf(node.data.webhookId);
    if (webhook === undefined) missing.push(node.id);
    return { id: node.id, type: 'webhook', position: node.position, data: { webhook: webhook ?? '' } };
  });
  return { graph: { nodes, edges: graph.edges }, missing };
}

export function toStoredGraph(graph: DocumentGraph, webhookIdOf: (systemName: string) => string): FlowGraph {
  const nodes = graph.nodes.map((node): FlowNode => {
    if (node.type !== 'webhook') return node;
    return { id: node.id, type: 'webhook', position: node.position, data: { webhookId: webhookIdOf(node.data.webhook) } };
  });
  return { nodes, edges: graph.edges };
}

/** The system names a graph's webhook steps send, with where each is named. */
export function webhookReferences(graph: DocumentGraph): { nodeIndex: number; systemName: string }[] {
  return graph.nodes.flatMap((node, nodeIndex) => (node.type === 'webhook' ? [{ nodeIndex, systemName: node.data.webhook }] : []));
}
