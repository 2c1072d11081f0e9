/**
 * f(x, y) as a three.js surface over the window (heights log-compressed: height-scale.ts),
 * every lane's path riding on it and a ball at its point; orbit with the mouse. Geometry is
 * built once per grid; the paths' buffers are allocated at full size once per lane and written
 * in place, shown with setDrawRange (STYLE.md: three.js examples).
 */
import { useEffect, useRef } from 'react';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { SurfaceGridReply } from '../../../main/protocol/messages';
import type { SurfaceWindow } from '../../../main/protocol/surface';
import { useAnimationFrame } from '../../use-animation-frame';
import { heightScale, type HeightScale } from './height-scale';
import type { SurfaceStore } from './surface-store';

const PATH_POINTS = 2000;
const RELIEF = 0.9;
const RUNNING_REDRAW_MS = 30;
/** Paths float this far above the surface so the mesh does not hide them. */
const LIFT = 0.015;

interface LaneObjects {
  colour: string;
  line: THREE.Line;
  positions: Float32Array;
  ball: THREE.Mesh;
}

interface Gl {
  renderer: THREE.WebGLRenderer;
  scene: THREE.Scene;
  camera: THREE.PerspectiveCamera;
  controls: OrbitControls;
  ballGeometry: THREE.SphereGeometry;
  mesh: THREE.Mesh | null;
  meshKey: string;
  scale: HeightScale | null;
  lanes: Map<string, LaneObjects>;
  dirty: boolean;
}

export function SurfaceView({ store, grid, window: win }: { store: SurfaceStore; grid: SurfaceGridReply | null; window: SurfaceWindow }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const gl = useRef<Gl | null>(null);
  const drawn = useRef({ key: '', at: 0 });

  useEffect(() => {
    const canvas = canvasRef.current!;
    // The drawing buffer is kept so exports (capture-view.ts) can copy the canvas between frames.
    const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, alpha: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    const scene = new THREE.Scene();
    scene.add(new THREE.AmbientLight(0xffffff, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(1, -1.5, 3);
    scene.add(sun);
    // z is up, as f is a height over the (x, y) plane.
    const camera = new THREE.PerspectiveCamera(38, 1, 0.05, 50);
    camera.up.set(0, 0, 1);
    camera.position.set(-1.7, -2.6, 2.1);
    const controls = new OrbitControls(camera, canvas);
    controls.target.set(0, 0, RELIEF / 3);
    controls.minDistance = 1.2;
    controls.maxDistance = 10;
    controls.update();
    const state: Gl = {
      renderer,
      scene,
      camera,
      controls,
      ballGeometry: new THREE.SphereGeometry(0.035, 16, 12),
      mesh: null,
      meshKey: '',
      scale: null,
      lanes: new Map(),
      dirty: true,
    };
    controls.addEventListener('change', () => (state.dirty = true));
    gl.current = state;
    return () => {
      controls.dispose();
      if (state.mesh) disposeMesh(state.mesh);
      for (const l of state.lanes.values()) disposeLane(l);
      state.ballGeometry.dispose();
      renderer.dispose();
      gl.current = null;
    };
  }, []);

  useAnimationFrame(() => {
    const g = gl.current;
    const host = hostRef.current;
    if (!g || !host || host.offsetParent === null) return;
    const width = host.clientWidth;
    const height = host.clientHeight;
    const meshKey = grid ? `${grid.formula}|${JSON.stringify(grid.window)}` : '';
    const key = `${store.version}|${meshKey}|${JSON.stringify(win)}|${width}x${height}|${store.lanes.map((l) => l.id + l.colour).join(',')}`;
    const now = performance.now();
    if (key === drawn.current.key && !g.dirty) return;
    if (!g.dirty && store.phase === 'running' && now - drawn.current.at < RUNNING_REDRAW_MS) return;
    drawn.current = { key, at: now };
    g.dirty = false;
    g.renderer.setSize(width, height, false);
    g.camera.aspect = width / Math.max(1, height);
    g.camera.updateProjectionMatrix();

    if (g.meshKey !== meshKey) {
      if (g.mesh) {
        g.scene.remove(g.mesh);
        disposeMesh(g.mesh);
      }
      g.mesh = grid ? buildMesh(grid) : null;
      g.scale = grid ? heightScale(grid.values) : null;
      if (g.mesh) g.scene.add(g.mesh);
      g.meshKey = meshKey;
    }
    const w = grid?.window ?? win;
    const toScene = (x: number, y: number, f: number, out: Float32Array, k: number) => {
      out[k] = (2 * (x - w.xMin)) / (w.xMax - w.xMin) - 1;
      out[k + 1] = (2 * (y - w.yMin)) / (w.yMax - w.yMin) - 1;
      out[k + 2] = (g.scale ? g.scale.height(f) : 0) * RELIEF + LIFT;
    };

    for (const [id, l] of g.lanes) {
      const lane = store.lanes.find((x) => x.id === id);
      if (!lane || lane.colour !== l.colour) {
        g.scene.remove(l.line, l.ball);
        disposeLane(l);
        g.lanes.delete(id);
      }
    }
    const shown = store.shownIteration;
    const point = new Float32Array(3);
    const marginX = 0.02 * (w.xMax - w.xMin);
    const marginY = 0.02 * (w.yMax - w.yMin);
    for (const lane of store.lanes) {
      let l = g.lanes.get(lane.id);
      if (!l) {
        l = makeLane(lane.colour, g.ballGeometry);
        g.lanes.set(lane.id, l);
        g.scene.add(l.line, l.ball);
      }
      const h = lane.history;
      const upTo = shown >= h.lastIteration ? h.length : Math.min(h.length, Math.floor(shown / h.stride) + 1);
      const step = Math.max(1, Math.ceil(upTo / (PATH_POINTS - 1)));
      let n = 0;
      // A lane that leaves the window (down a saddle, or diverging) leaves the surface there.
      const inside = (x: number, y: number, fv: number) =>
        Number.isFinite(fv) && x >= w.xMin - marginX && x <= w.xMax + marginX && y >= w.yMin - marginY && y <= w.yMax + marginY;
      let left = false;
      for (let k = 0; k < upTo && n < PATH_POINTS - 1; k += step) {
        const x = h.values.x[k]!;
        const y = h.values.y[k]!;
        const fv = h.values.f[k]!;
        if (!inside(x, y, fv)) {
          left = true;
          break;
        }
        toScene(x, y, fv, l.positions, 3 * n++);
      }
      const x = h.at('x', shown);
      const y = h.at('y', shown);
      const fv = h.at('f', shown);
      const visible = !left && inside(x, y, fv);
      if (visible) {
        toScene(x, y, fv, point, 0);
        l.positions.set(point, 3 * n++);
        l.ball.position.set(point[0]!, point[1]!, point[2]!);
      }
      l.ball.visible = visible;
      l.line.geometry.setDrawRange(0, n);
      (l.line.geometry.attributes.position as THREE.BufferAttribute).needsUpdate = true;
      l.line.geometry.computeBoundingSphere();
    }
    g.renderer.render(g.scene, g.camera);
  });

  return (
    <div ref={hostRef} className="surface-3d" title="Drag to turn the surface, scroll to zoom">
      <canvas ref={canvasRef} data-testid="surface-3d" role="img" aria-label="The surface of f in 3-D, with every lane's path on it" />
    </div>
  );
}

function makeLane(colour: string, ballGeometry: THREE.SphereGeometry): LaneObjects {
  const positions = new Float32Array(3 * PATH_POINTS);
  const geometry = new THREE.BufferGeometry();
  const attribute = new THREE.BufferAttribute(positions, 3);
  attribute.setUsage(THREE.DynamicDrawUsage);
  geometry.setAttribute('position', attribute);
  geometry.setDrawRange(0, 0);
  const line = new THREE.Line(geometry, new THREE.LineBasicMaterial({ color: colour, linewidth: 2 }));
  const ball = new THREE.Mesh(ballGeometry, new THREE.MeshLambertMaterial({ color: colour }));
  return { colour, line, positions, ball };
}

function disposeLane(l: LaneObjects): void {
  l.line.geometry.dispose();
  (l.line.material as THREE.Material).dispose();
  (l.ball.material as THREE.Material).dispose();
}

/** The window as a mesh over [−1, 1]², coloured from the contour map's ramp by height. */
function buildMesh(grid: SurfaceGridReply): THREE.Mesh {
  const n = grid.resolution;
  const scale = heightScale(grid.values);
  const geometry = new THREE.PlaneGeometry(2, 2, n - 1, n - 1);
  const pos = geometry.attributes.position as THREE.BufferAttribute;
  const colours = new Float32Array(pos.count * 3);
  const low = new THREE.Color('#fff0c8');
  const mid = new THREE.Color('#8fb3de');
  const high = new THREE.Color('#2f4f8f');
  const c = new THREE.Color();
  // PlaneGeometry lists rows from the top (y = +1) down; grid rows go from yMin up.
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const v = j * n + i;
      const f = grid.values[(n - 1 - j) * n + i]!;
      const t = Number.isFinite(f) ? Math.max(0, Math.min(1, scale.height(f))) : 1;
      pos.setZ(v, t * RELIEF);
      if (t < 0.5) c.lerpColors(low, mid, t * 2);
      else c.lerpColors(mid, high, (t - 0.5) * 2);
      if (!Number.isFinite(f)) c.set('#9aa0a6');
      colours[3 * v] = c.r;
      colours[3 * v + 1] = c.g;
      colours[3 * v + 2] = c.b;
    }
  }
  geometry.setAttribute('color', new THREE.BufferAttribute(colours, 3));
  geometry.computeVertexNormals();
  const material = new THREE.MeshLambertMaterial({ vertexColors: true, side: THREE.DoubleSide, transparent: true, opacity: 0.92 });
  return new THREE.Mesh(geometry, material);
}

function disposeMesh(mesh: THREE.Mesh): void {
  mesh.geometry.dispose();
  (mesh.material as THREE.Material).dispose();
}
