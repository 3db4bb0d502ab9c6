// A canvas inside an SVG, at its place in the SVG's stacking order, for shapes that move on
// every frame: hundreds of them drawn on a canvas cost far less than an SVG path Chromium
// must parse, lay out and repaint each frame. `draw` gets the context in viewBox units.
import { useEffect, useLayoutEffect, useRef, type SVGProps } from 'react';

interface Props extends Omit<SVGProps<SVGForeignObjectElement>, 'width' | 'height'> {
  width: number;
  height: number;
  draw(ctx: CanvasRenderingContext2D): void;
}

export function CanvasLayer({ width, height, draw, ...rest }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Device pixels per viewBox unit, kept by a ResizeObserver so drawing never forces a layout.
  const scale = useRef(window.devicePixelRatio);
  const props = useRef({ width, height, draw });
  props.current = { width, height, draw };

  const paint = () => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (c === null || ctx === null || ctx === undefined) return;
    const { width, height, draw } = props.current;
    const w = Math.round(width * scale.current);
    const h = Math.round(height * scale.current);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    ctx.setTransform(w / width, 0, 0, h / height, 0, 0);
    ctx.clearRect(0, 0, width, height);
    draw(ctx);
  };

  useLayoutEffect(paint);

  useEffect(() => {
    const svg = canvas.current?.closest('svg');
    if (svg === null || svg === undefined) return;
    const observer = new ResizeObserver(([entry]) => {
      const next = Math.max(1, (entry.contentRect.width / props.current.width) * window.devicePixelRatio);
      if (Math.abs(next - scale.current) > 0.01) {
        scale.current = next;
        paint();
      }
    });
    observer.observe(svg);
    return () => observer.disconnect();
  }, []);

  return (
    <foreignObject x={0} y={0} width={width} height={height} {...rest}>
      <canvas ref={canvas} style={{ width: `${width}px`, height: `${height}px`, display: 'block' }} />
    </foreignObject>
  );
}
