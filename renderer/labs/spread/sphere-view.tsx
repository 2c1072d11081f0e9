/**
 * Every lane's vectors, one cell per lane, drawn by one three.js renderer into one canvas
 * (a viewport and scissor per cell, as in three.js's multiple-views example) so 8 lanes cost
 * one WebGL context. One camera and one set of orbit controls serve every cell, so the
 * cameras are linked. D = 2: the unit circle, seen from above; D = 3: the sphere (points
 * behind it show faintly through), optionally with nearest-neighbour edges and force arrows;
 * D > 3: the projection onto the set's top three principal axes (projection.ts).
 *
 * Buffers are allocated once per N at full size and written in place (three.js's drawrange
 * pattern); points are redrawn only when new vectors arrive, the camera moves or the size
 * changes.
 */
import { useEffect, useRef, useSyncExternalStore, type MutableRefObject } from 'react';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { useAnimationFrame } from '../../use-animation-frame';
import { nearestNeighbours, tangentialForces } from './neighbours';
import { Projection } from './projection';
import type { SpreadLaneTrack, SpreadStore } from './spread-store';

export interface SphereViewOptions {
  edges: boolean;
  forces: boolean;
}

interface SphereViewProps {
  store: SpreadStore;
  /** The dimension to draw before a run has one (from the settings). */
  dim: number;
  options: SphereViewOptions;
  /** Receives a function that renders the view and returns it as a PNG blob. */
  exportRef?: MutableRefObject<(() => Promise<Blob | null>) | null>;
}

/** Above this many vectors, edges and arrows (O(N²) in the page) are not drawn. */
export const MAX_DECORATED_VECTORS = 1500;
const SPHERE_COLOUR = 0xdfe6ef;
/**
 * While a run streams, vectors arrive up to 30 times a second per lane; redrawing faster only
 * costs the machine (a software-rendered WebGL, as in CI, takes the engine's CPU).
 */
const RUNNING_REDRAW_MS = 33;
const RING_COLOUR = 0x9aa6b5;

interface LaneScene {
  id: string;
  scene: THREE.Scene;
  points: THREE.Points;
  edges: THREE.LineSegments;
  forces: THREE.LineSegments;
  projection: Projection;
  /** What the scene was built for (dimension and colour); another needs a new scene. */
  sceneKey: string;
  drawnVectors: Float32Array | null;
  drawnOptions: string;
}

function circleTexture(): THREE.Texture {
  const size = 64;
  const c = document.createElement('canvas');
  c.width = c.height = size;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  ctx.arc(size / 2, size / 2, size / 2 - 2, 0, Math.PI * 2);
  ctx.fill();
  const t = new THREE.CanvasTexture(c);
  t.colorSpace = THREE.SRGBColorSpace;
  return t;
}

/** Three great circles, for orientation. */
function rings(radius: number): THREE.LineSegments {
  const segments = 96;
  const pos = new Float32Array(3 * segments * 2 * 3);
  let k = 0;
  for (let axis = 0; axis < 3; axis++) {
    for (let s = 0; s < segments; s++) {
      for (const t of [s / segments, (s + 1) / segments]) {
        const a = Math.cos(t * 2 * Math.PI) * radius;
        const b = Math.sin(t * 2 * Math.PI) * radius;
        const xyz = axis === 0 ? [a, b, 0] : axis === 1 ? [a, 0, b] : [0, a, b];
        pos.set(xyz, k);
        k += 3;
      }
    }
  }
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(pos, 3));
  return new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: RING_COLOUR, transparent: true, opacity: 0.5 }));
}

function pointSizePx(n: number): number {
  return Math.max(3, Math.min(13, 15 - 1.3 * Math.log2(n)));
}

export function SphereView({ store, dim: settingsDim, options, exportRef }: SphereViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cellRefs = useRef(new Map<string, HTMLDivElement>());
  const labelRefs = useRef(new Map<string, HTMLSpanElement>());
  const gl = useRef<{
    renderer: THREE.WebGLRenderer;
    perspective: THREE.PerspectiveCamera;
    ortho: THREE.OrthographicCamera;
    controls: OrbitControls;
    texture: THREE.Texture;
    sphere: THREE.SphereGeometry;
    scenes: Map<string, LaneScene>;
    dirty: boolean;
  } | null>(null);
  const drawn = useRef({ version: '', dim: -1, options: '', width: 0, height: 0, cells: '', at: 0 });

  const subscribe = (cb: () => void) => store.onLanes(cb);
  const lanes = useSyncExternalStore(subscribe, () => store.lanes);
  const dim = store.dim || settingsDim;

  useEffect(() => {
    const canvas = canvasRef.current!;
    // The drawing buffer is kept so exports (capture-view.ts) can copy the canvas between frames.
    const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, alpha: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    renderer.setScissorTest(true);
    const perspective = new THREE.PerspectiveCamera(35, 1, 0.1, 100);
    perspective.position.set(2.2, 1.6, 3.2);
    const ortho = new THREE.OrthographicCamera(-1.25, 1.25, 1.25, -1.25, 0.1, 10);
    ortho.position.set(0, 0, 3);
    const controls = new OrbitControls(perspective, canvas);
    controls.enableDamping = false;
    controls.minDistance = 1.6;
    controls.maxDistance = 12;
    const state = {
      renderer,
      perspective,
      ortho,
      controls,
      texture: circleTexture(),
      sphere: new THREE.SphereGeometry(0.985, 48, 32),
      scenes: new Map<string, LaneScene>(),
      dirty: true,
    };
    controls.addEventListener('change', () => (state.dirty = true));
    gl.current = state;
    return () => {
      controls.dispose();
      for (const s of state.scenes.values()) disposeScene(s);
      state.texture.dispose();
      state.sphere.dispose();
      renderer.dispose();
      gl.current = null;
    };
  }, []);

  useAnimationFrame(() => render(false));

  function render(force: boolean): void {
    const g = gl.current;
    const canvas = canvasRef.current;
    const host = hostRef.current;
    if (!g || !canvas || !host || host.offsetParent === null) return; // hidden tab: nothing to draw
    const width = host.clientWidth;
    const height = host.clientHeight;
    const optionsKey = `${options.edges}|${options.forces}`;
    const cellsKey = lanes.map((l) => `${l.id}:${l.colour}`).join(',');
    const d = drawn.current;
    const version = `${store.vectorsVersion}|${store.cursor}`;
    const changed =
      force || g.dirty || d.version !== version || d.dim !== dim || d.options !== optionsKey || d.width !== width || d.height !== height || d.cells !== cellsKey;
    if (!changed) return;
    const now = performance.now();
    if (!force && !g.dirty && store.phase === 'running' && now - d.at < RUNNING_REDRAW_MS) return;
    Object.assign(d, { version, dim, options: optionsKey, width, height, cells: cellsKey, at: now });
    g.dirty = false;
    g.renderer.setSize(width, height, false);
    g.controls.enableRotate = dim !== 2;
    const camera = dim === 2 ? g.ortho : g.perspective;
    g.controls.object = camera;

    // Scenes follow the lanes shown.
    for (const [id, s] of g.scenes) {
      if (!lanes.some((l) => l.id === id)) {
        disposeScene(s);
        g.scenes.delete(id);
      }
    }
    g.renderer.setScissor(0, 0, width, height);
    g.renderer.setClearColor(0xffffff, 0);
    g.renderer.clear();
    const hostRect = host.getBoundingClientRect();
    for (const lane of lanes) {
      const cell = cellRefs.current.get(lane.id);
      if (!cell) continue;
      let s = g.scenes.get(lane.id);
      if (!s || s.sceneKey !== `${dim}:${lane.colour}`) {
        if (s) disposeScene(s);
        s = buildScene(lane, dim, g.texture, g.sphere);
        g.scenes.set(lane.id, s);
      }
      updateScene(s, store.shownSample(lane)?.vectors ?? null, store.n, dim, options);
      const r = cell.getBoundingClientRect();
      const x = r.left - hostRect.left;
      const y = hostRect.bottom - r.bottom;
      if (r.width < 2 || r.height < 2) continue;
      g.renderer.setViewport(x, y, r.width, r.height);
      g.renderer.setScissor(x, y, r.width, r.height);
      const aspect = r.width / r.height;
      if (dim === 2) {
        const half = 1.25;
        g.ortho.left = -half * Math.max(1, aspect);
        g.ortho.right = half * Math.max(1, aspect);
        g.ortho.top = half / Math.min(1, aspect);
        g.ortho.bottom = -half / Math.min(1, aspect);
        g.ortho.updateProjectionMatrix();
      } else {
        g.perspective.aspect = aspect;
        g.perspective.updateProjectionMatrix();
      }
      g.renderer.render(s.scene, camera);
      const label = labelRefs.current.get(lane.id);
      if (label) label.textContent = cellCaption(lane, store.shownIteration);
    }
  }

  useEffect(() => {
    if (!exportRef) return;
    exportRef.current = () => {
      render(true);
      return new Promise((resolve) => canvasRef.current!.toBlob(resolve, 'image/png'));
    };
    return () => {
      exportRef.current = null;
    };
  });

  const columns = lanes.length <= 1 ? 1 : lanes.length <= 4 ? 2 : lanes.length <= 6 ? 3 : 4;
  return (
    <div className="sphere-host" ref={hostRef} data-testid="sphere-view">
      <canvas ref={canvasRef} className="sphere-canvas" data-testid="sphere-canvas" role="img" aria-label="Each lane's unit vectors on the circle, the sphere or their projection; their angles and energies are in the table" />
      <div className="sphere-grid" style={{ gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
        {lanes.map((l) => (
          <div
            key={l.id}
            className="sphere-cell"
            ref={(el) => {
              if (el) cellRefs.current.set(l.id, el);
              else cellRefs.current.delete(l.id);
            }}
          >
            {/* The lane's colour as a swatch: light lane colours as text would be too faint to read. */}
            <span className="sphere-label">
              <span className="swatch" style={{ background: l.colour }} aria-hidden /> {l.label}
            </span>
            <span
              className="sphere-caption"
              data-testid="sphere-caption"
              ref={(el) => {
                if (el) labelRefs.current.set(l.id, el);
                else labelRefs.current.delete(l.id);
              }}
            />
          </div>
        ))}
      </div>
      {lanes.length === 0 && <p className="sphere-empty">Run or Step to place the vectors and watch them spread.</p>}
    </div>
  );
}

function cellCaption(lane: SpreadLaneTrack, shown: number): string {
  const h = lane.history;
  if (h.lastIteration < 0) return '';
  const angle = h.at('minAngleDeg', shown);
  return `iteration ${Math.min(shown, h.lastIteration)} · min angle ${Number.isFinite(angle) ? angle.toFixed(2) : '–'}°${lane.status === 'diverged' ? ' · diverged' : ''}`;
}

function buildScene(lane: SpreadLaneTrack, dim: number, texture: THREE.Texture, sphere: THREE.SphereGeometry): LaneScene {
  const scene = new THREE.Scene();
  const colour = new THREE.Color(lane.colour);
  if (dim === 3) {
    const surface = new THREE.Mesh(sphere, new THREE.MeshBasicMaterial({ color: SPHERE_COLOUR, transparent: true, opacity: 0.72, depthWrite: false }));
    surface.renderOrder = 1; // after the points: those behind it show through faintly
    scene.add(surface);
  }
  if (dim === 2) {
    const ring = rings(1);
    ring.geometry.setDrawRange(0, 96 * 2); // the z = 0 circle only
    scene.add(ring);
  } else {
    scene.add(rings(1));
  }
  const points = new THREE.Points(
    new THREE.BufferGeometry(),
    new THREE.PointsMaterial({ color: colour, size: 8, sizeAttenuation: false, map: texture, alphaTest: 0.5 }),
  );
  const edges = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: colour, transparent: true, opacity: 0.55 }));
  const forces = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: 0x1f2329 }));
  // Their buffers are refilled in place, so a bounding sphere computed once would go stale (an
  // empty first one culls them for good); the whole set is always in view anyway.
  for (const o of [points, edges, forces]) o.frustumCulled = false;
  scene.add(points, edges, forces);
  return { id: lane.id, scene, points, edges, forces, projection: new Projection(), sceneKey: `${dim}:${lane.colour}`, drawnVectors: null, drawnOptions: '' };
}

function ensureCapacity(geometry: THREE.BufferGeometry, floats: number): THREE.BufferAttribute {
  let attr = geometry.getAttribute('position') as THREE.BufferAttribute | undefined;
  if (!attr || attr.array.length < floats) {
    attr = new THREE.BufferAttribute(new Float32Array(floats), 3);
    attr.setUsage(THREE.DynamicDrawUsage);
    geometry.setAttribute('position', attr);
  }
  return attr;
}

function updateScene(s: LaneScene, v: Float32Array | null, n: number, dim: number, options: SphereViewOptions): void {
  const optionsKey = `${options.edges}|${options.forces}`;
  if (v === s.drawnVectors && optionsKey === s.drawnOptions) return;
  s.drawnVectors = v;
  s.drawnOptions = optionsKey;
  if (!v || n === 0) {
    s.points.geometry.setDrawRange(0, 0);
    s.edges.geometry.setDrawRange(0, 0);
    s.forces.geometry.setDrawRange(0, 0);
    return;
  }
  const pos = ensureCapacity(s.points.geometry, n * 3);
  const xyz = pos.array as Float32Array;
  s.projection.project(v, n, dim, xyz);
  pos.needsUpdate = true;
  s.points.geometry.setDrawRange(0, n);
  (s.points.material as THREE.PointsMaterial).size = pointSizePx(n);

  const decorate = dim === 3 && n <= MAX_DECORATED_VECTORS;
  if (decorate && options.edges) {
    const nn = new Int32Array(n);
    nearestNeighbours(v, n, 3, nn);
    const e = ensureCapacity(s.edges.geometry, n * 6);
    const a = e.array as Float32Array;
    for (let i = 0; i < n; i++) {
      a.set(xyz.subarray(i * 3, i * 3 + 3), i * 6);
      a.set(xyz.subarray(nn[i]! * 3, nn[i]! * 3 + 3), i * 6 + 3);
    }
    e.needsUpdate = true;
    s.edges.geometry.setDrawRange(0, n * 2);
  } else s.edges.geometry.setDrawRange(0, 0);

  if (decorate && options.forces) {
    const f = new Float32Array(n * 3);
    const meanForce = tangentialForces(v, n, 3, f);
    // An arrow as long as the radius would be a push as strong as the whole mean force; at
    // equilibrium the tangential pushes cancel and the arrows shrink to nothing.
    const scale = meanForce > 0 ? 1 / meanForce : 0;
    const e = ensureCapacity(s.forces.geometry, n * 6);
    const a = e.array as Float32Array;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        a[i * 6 + k] = xyz[i * 3 + k]!;
        a[i * 6 + 3 + k] = xyz[i * 3 + k]! + f[i * 3 + k]! * scale;
      }
    }
    e.needsUpdate = true;
    s.forces.geometry.setDrawRange(0, n * 2);
  } else s.forces.geometry.setDrawRange(0, 0);
}

function disposeScene(s: LaneScene): void {
  s.scene.traverse((o) => {
    const m = o as THREE.Mesh;
    // The shared sphere geometry is freed by the view, not here.
    if (m.geometry && !(m.geometry instanceof THREE.SphereGeometry)) m.geometry.dispose();
    const mat = m.material as THREE.Material | THREE.Material[] | undefined;
    if (Array.isArray(mat)) mat.forEach((x) => x.dispose());
    else mat?.dispose();
  });
}
