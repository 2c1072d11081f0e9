/**
 * Animated exports of a recorded run: the timeline is stepped through `frames` iterations
 * spread evenly from 0 to the last, each drawn by the lab's own views (one animation frame to
 * redraw) and captured (capture-view.ts), then encoded as a GIF (gifenc) or a WebM video
 * (the browser's MediaRecorder). Both report progress and stop when the signal aborts.
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import { captureView, captureWidth } from './capture-view';

export interface ReplaySource {
  /** The last recorded iteration. */
  lastIteration: number;
  /** Shows an iteration in the views (the timeline's cursor); null: back to the latest. */
  show(iteration: number | null): void;
  /** What to capture. */
  root: HTMLElement;
  /** A line under every frame: what produced the run (runCardCaption). */
  caption?: string | null;
}

export interface ReplayOptions {
  frames: number;
  /** Widest picture, CSS pixels (the capture is scaled down to it). */
  maxWidth: number;
  fps: number;
  onProgress: (done: number, total: number) => void;
  signal: AbortSignal;
}

export const DEFAULT_REPLAY: Omit<ReplayOptions, 'onProgress' | 'signal'> = { frames: 60, maxWidth: 960, fps: 12 };

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** The iterations an export shows: `count` of them from 0 to `last`, each at most once. */
export function replayIterations(last: number, count: number): number[] {
  if (last <= 0) return [0];
  const n = Math.max(2, Math.min(count, last + 1));
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const it = Math.round((k * last) / (n - 1));
    if (out.at(-1) !== it) out.push(it);
  }
  return out;
}

async function eachFrame(source: ReplaySource, o: ReplayOptions, draw: (canvas: HTMLCanvasElement, index: number) => void | Promise<void>): Promise<void> {
  const iterations = replayIterations(source.lastIteration, o.frames);
  const scale = Math.min(1, o.maxWidth / Math.max(1, captureWidth(source.root)));
  const canvas = document.createElement('canvas');
  try {
    for (let i = 0; i < iterations.length; i++) {
      if (o.signal.aborted) throw new DOMException('export cancelled', 'AbortError');
      source.show(iterations[i]!);
      // Views redraw in their animation-frame loops: give them two to settle.
      await nextFrame();
      await nextFrame();
      captureView(source.root, scale, canvas, source.caption ?? null);
      await draw(canvas, i);
      o.onProgress(i + 1, iterations.length);
    }
  } finally {
    source.show(null);
  }
}

export async function exportGif(source: ReplaySource, o: ReplayOptions): Promise<{ blob: Blob; frames: number }> {
  const gif = GIFEncoder();
  let frames = 0;
  await eachFrame(source, o, (canvas) => {
    const { width, height } = canvas;
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    const palette = quantize(rgba, 256);
    gif.writeFrame(applyPalette(rgba, palette), width, height, { palette, delay: Math.round(1000 / o.fps) });
    frames++;
  });
  gif.finish();
  return { blob: new Blob([gif.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' }), frames };
}

/** WebM (VP9, else VP8) in real time: one captured frame every 1/fps seconds. */
export async function exportWebm(source: ReplaySource, o: ReplayOptions): Promise<{ blob: Blob; frames: number }> {
  const mime = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((m) => MediaRecorder.isTypeSupported(m));
  if (!mime) throw new Error('this browser cannot record WebM video');
  const out = document.createElement('canvas');
  let recorder: MediaRecorder | undefined;
  let track: CanvasCaptureMediaStreamTrack | undefined;
  const chunks: Blob[] = [];
  let frames = 0;
  await eachFrame(source, o, async (canvas) => {
    if (!recorder) {
      out.width = canvas.width - (canvas.width % 2); // encoders want even sizes
      out.height = canvas.height - (canvas.height % 2);
      const stream = out.captureStream(0);
      track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
      recorder = new MediaRecorder(stream, { mimeType: mime, videoBitsPerSecond: 4_000_000 });
      recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      recorder.start();
    }
    out.getContext('2d')!.drawImage(canvas, 0, 0);
    track!.requestFrame();
    frames++;
    await new Promise((r) => setTimeout(r, 1000 / o.fps));
  });
  if (!recorder) throw new Error('nothing to record');
  await new Promise<void>((resolve) => {
    recorder!.onstop = () => resolve();
    recorder!.stop();
  });
  return { blob: new Blob(chunks, { type: 'video/webm' }), frames };
}
