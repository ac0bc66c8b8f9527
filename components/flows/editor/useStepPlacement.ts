import { useReactFlow } from '@xyflow/react';
import { useCallback, type DragEvent, type RefObject } from 'react';
import type { FlowNodeType } from '@/lib/domain/flow/graph';
import type { EditorNode, EditorStore } from '@/components/flows/canvas/store';
import { DEFAULT_NODE_SIZE, type Point } from '@/components/flows/canvas/clipboard';

/** The drag data type a palette item carries onto the canvas. */
export const DRAG_TYPE = 'application/x-hookflow-step';

/**
 * Where steps land and which one is in view: a palette click adds the step below the selected one (connected
 * from its first free output) or in the middle of the visible canvas, never on top of another step; a drop
 * places it under the pointer, inserted into the connection it was dropped on; `focusNode` selects a step
 * and centres it. Each ends by calling `showStep` (the inspector's Step tab).
 */
export function useStepPlacement(editor: EditorStore, canvasRef: RefObject<HTMLDivElement | null>, selected: EditorNode | null, showStep: () => void) {
  const reactFlow = useReactFlow<EditorNode>();

  const viewportCentre = useCallback((): Point => {
    const rect = canvasRef.current?.getBoundingClientRect();
    if (!rect) return { x: 0, y: 0 };
    return reactFlow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
  }, [reactFlow, canvasRef]);

  /** Brings a step into view (at the current zoom) when any part of it is outside the visible canvas. */
  const scrollTo = useCallback(
    (position: Point) => {
      const rect = canvasRef.current?.getBoundingClientRect();
      if (!rect) return;
      const topLeft = reactFlow.screenToFlowPosition({ x: rect.left, y: rect.top });
      const bottomRight = reactFlow.screenToFlowPosition({ x: rect.right, y: rect.bottom });
      const inside = position.x >= topLeft.x && position.y >= topLeft.y && position.x + DEFAULT_NODE_SIZE.width <= bottomRight.x && position.y + DEFAULT_NODE_SIZE.height <= bottomRight.y;
      if (!inside) void reactFlow.setCenter(position.x + DEFAULT_NODE_SIZE.width / 2, position.y + DEFAULT_NODE_SIZE.height / 2, { zoom: reactFlow.getZoom(), duration: 300 });
    },
    [reactFlow, canvasRef],
  );

  const addFromPalette = (type: FlowNodeType) => {
    const centre = viewportCentre();
    // Next to the selected step (below it, connected from its first free output), else in the middle of the view.
    const from = selected && type !== 'trigger' ? selected : null;
    const position = from ? { x: from.position.x, y: from.position.y + 140 } : { x: centre.x - DEFAULT_NODE_SIZE.width / 2, y: centre.y - DEFAULT_NODE_SIZE.height / 2 };
    while (editor.getState().nodes.some((n) => Math.abs(n.position.x - position.x) < 180 && Math.abs(n.position.y - position.y) < 90)) position.y += 110;
    editor.getState().addNode(type, position, { connectFrom: from?.id });
    showStep();
    // After xyflow has rendered it, so the view moves to where it really is.
    window.requestAnimationFrame(() => scrollTo(position));
  };

  const dropStep = (event: DragEvent<HTMLDivElement>) => {
    const type = event.dataTransfer.getData(DRAG_TYPE) as FlowNodeType;
    if (!type) return;
    event.preventDefault();
    const edgeElement = document.elementsFromPoint(event.clientX, event.clientY).map((el) => el.closest('.react-flow__edge')).find(Boolean);
    const point = reactFlow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    editor.getState().addNode(type, { x: point.x - DEFAULT_NODE_SIZE.width / 2, y: point.y - DEFAULT_NODE_SIZE.height / 2 }, { intoEdge: edgeElement?.getAttribute('data-id') ?? undefined });
    showStep();
  };

  const focusNode = (id: string) => {
    editor.getState().select([id]);
    const node = reactFlow.getNode(id);
    if (node) void reactFlow.setCenter(node.position.x + (node.measured?.width ?? DEFAULT_NODE_SIZE.width) / 2, node.position.y + 40, { zoom: Math.max(reactFlow.getZoom(), 1), duration: 300 });
    showStep();
  };

  return { viewportCentre, addFromPalette, dropStep, focusNode };
}
