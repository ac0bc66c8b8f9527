'use client';
import { Background, Controls, MiniMap, ReactFlow, type Connection, type Edge, type IsValidConnection } from '@xyflow/react';
import { useCallback, type DragEvent, type RefObject } from 'react';
import type { EditorEdge, EditorNode, EditorStore } from '@/components/flows/canvas/store';
import { nodeTypes } from '../FlowNodes';
import { DEFAULT_NODE_SIZE } from '@/components/flows/canvas/clipboard';
import { IDENTIFY_EVENT_TYPE } from '@/lib/domain/events/schema';

/** The minimap colours each step like its palette item (app/globals.css). */
const minimapClass = (node: { type?: string }) => `minimap-${node.type ?? 'step'}`;

/**
 * The canvas: the draft (or a read-only version) in xyflow, with drops from the palette, connections checked
 * while they are dragged (a refused one says why through `notify`, which should be stable), and, when
 * read-only, a click on a step to inspect it. An empty draft explains where to start.
 */
export function EditorCanvas({
  editor,
  canvasRef,
  nodes,
  edges,
  draftNodeCount,
  readOnly,
  fitOnOpen,
  topCentre,
  eventType,
  onDrop,
  notify,
  onInspect,
}: {
  editor: EditorStore;
  canvasRef: RefObject<HTMLDivElement | null>;
  /** what is shown: the draft's nodes and edges, or a version's */
  nodes: EditorNode[];
  edges: EditorEdge[];
  draftNodeCount: number;
  readOnly: boolean;
  fitOnOpen: boolean;
  /** a step to show at the top centre when the canvas opens (a new flow's trigger) */
  topCentre: { x: number; y: number } | null;
  eventType: string;
  onDrop: (event: DragEvent<HTMLDivElement>) => void;
  notify: (message: string) => void;
  onInspect: (nodeId: string) => void;
}) {
  const actions = editor.getState();
  const isValidConnection = useCallback<IsValidConnection<Edge>>((c) => editor.getState().canConnect({ source: c.source, target: c.target, sourceHandle: c.sourceHandle }).ok, [editor]);
  const onConnect = useCallback(
    (c: Connection) => {
      const verdict = editor.getState().connect({ source: c.source, target: c.target, sourceHandle: c.sourceHandle });
      if (!verdict.ok) notify(verdict.reason);
    },
    [editor, notify],
  );
  return (
    <div className="flow-canvas" data-testid="flow-canvas" ref={canvasRef} onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} onDrop={onDrop}>
      {draftNodeCount === 0 && !readOnly ? (
        <div className="canvas-empty" role="note">
          <strong>Start with a trigger.</strong> Drag <em>Trigger</em> from the left onto the canvas: {eventType === IDENTIFY_EVENT_TYPE ? 'the flow runs each time a customer is identified.' : <>the flow runs for every <code>{eventType}</code> event.</>} Then add webhooks, branches, waits and an End.
        </div>
      ) : null}
      <ReactFlow<EditorNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={readOnly ? undefined : actions.onNodesChange}
        onEdgesChange={readOnly ? undefined : actions.onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        elementsSelectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
        onNodeClick={readOnly ? (_, node) => onInspect(node.id) : undefined}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionKeyCode="Shift"
        fitView={fitOnOpen}
        onInit={(instance) => {
          const rect = canvasRef.current?.getBoundingClientRect();
          if (!topCentre || !rect) return;
          void instance.setViewport({ x: rect.width / 2 - DEFAULT_NODE_SIZE.width / 2 - topCentre.x, y: 60 - DEFAULT_NODE_SIZE.height / 2 - topCentre.y, zoom: 1 });
        }}
        fitViewOptions={{ maxZoom: 1.2 }}
        minZoom={0.1}
        onlyRenderVisibleElements={draftNodeCount > 150}
      >
        <Background />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable ariaLabel="Overview of the flow" nodeClassName={minimapClass} />
      </ReactFlow>
    </div>
  );
}
