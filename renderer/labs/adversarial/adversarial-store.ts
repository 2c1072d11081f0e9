/**
 * The adversarial run as the views read it: the image every lane starts from and its
 * classification, and per lane every step's report (a few hundred bytes each; runs are at most
 * 10,000 steps) and the latest adversarial image, which the engine sends only when it changed.
 */
import type { AttackMethod, AttackTarget, Classification, StepReport } from '../../../main/protocol/adversarial';
import type { AdversarialFrame, AdversarialRunStarted } from '../../../main/protocol/messages';
import { RunStoreBase, type LaneDraft, type LaneTrackBase } from '../../run/run-store-base';

export interface AttackLaneTrack extends LaneTrackBase {
  method?: AttackMethod;
  target?: AttackTarget;
  stopAtConfidence?: number | null;
  maxSteps?: number;
  /** reports[k] is step k; 0 is the original. */
  reports: StepReport[];
  /** 8-bit RGB rows, what the latest report measured; the original until the first step. */
  image: Uint8Array | null;
  /** Bumped when `image` changes, so canvases rebuild their pixels only then. */
  imageVersion: number;
  /** Every image kept for the timeline, oldest first, by the iteration it arrived at. */
  frames: { iteration: number; image: Uint8Array }[];
}

/** Images kept per lane for replay: ≈ 400 steps of a 224² image, then every second one goes. */
const FRAME_BYTES_PER_LANE = 64 * 1024 * 1024;

export class AdversarialStore extends RunStoreBase<AttackLaneTrack, AdversarialRunStarted, AdversarialFrame> {
  width = 0;
  height = 0;
  original: Uint8Array | null = null;
  /**
   * The image's name, for saved files: runStarted carries only its pixels, so whoever starts a
   * run sets this as it sends the start (begin leaves it alone).
   */
  imageName = '';
  before: Classification | null = null;
  model: { id: string; displayName: string } | null = null;
  /** Bumped when the original changes. */
  originalVersion = 0;

  protected track(draft: LaneDraft): AttackLaneTrack {
    return { ...draft, status: 'running', reports: [], image: null, imageVersion: 0, frames: [] };
  }

  protected started(msg: AdversarialRunStarted): void {
    this.width = msg.width;
    this.height = msg.height;
    this.original = msg.original;
    this.before = msg.before;
    this.model = msg.model;
    this.originalVersion++;
    // A reset answers with runStarted too: every lane goes back to the original.
    for (const lane of this.lanes) {
      lane.reports = [];
      lane.image = msg.original;
      lane.imageVersion++;
      lane.frames = [{ iteration: 0, image: msg.original }];
    }
  }

  protected append(lane: AttackLaneTrack, batch: AdversarialFrame['lanes'][number]): void {
    if (batch.from < lane.reports.length) lane.reports.length = batch.from;
    for (const r of batch.reports) lane.reports.push(r);
    if (batch.image) {
      lane.image = batch.image;
      lane.imageVersion++;
      this.keepFrame(lane, batch.from + batch.reports.length - 1, batch.image);
    }
  }

  private keepFrame(lane: AttackLaneTrack, iteration: number, image: Uint8Array): void {
    while (lane.frames.length && lane.frames.at(-1)!.iteration >= iteration) lane.frames.pop();
    lane.frames.push({ iteration, image });
    if (lane.frames.length > 2 && lane.frames.length * image.byteLength > FRAME_BYTES_PER_LANE) {
      const newest = lane.frames.at(-1)!;
      lane.frames = lane.frames.filter((_, i) => i % 2 === 0);
      if (lane.frames.at(-1) !== newest) lane.frames.push(newest);
    }
  }

  /** The lane's report at the iteration shown (the timeline's, or the latest). */
  shownReport(lane: AttackLaneTrack): StepReport | null {
    if (!lane.reports.length) return null;
    return lane.reports[Math.min(lane.reports.length - 1, this.cursor ?? Infinity)]!;
  }

  /** The lane's image at the iteration shown: the last kept at or before it. */
  shownImage(lane: AttackLaneTrack): Uint8Array | null {
    if (this.cursor === null) return lane.image;
    let found: Uint8Array | null = lane.frames[0]?.image ?? null;
    for (const f of lane.frames) {
      if (f.iteration > this.cursor) break;
      found = f.image;
    }
    return found;
  }

  // A session file keeps what was drawn: every report and each lane's latest image (typed
  // arrays travel raw in session files).
  protected saveTrack(track: AttackLaneTrack): Record<string, unknown> {
    return { ...track };
  }

  protected loadTrack(saved: Record<string, unknown>): AttackLaneTrack {
    const reports = Array.isArray(saved.reports) ? (saved.reports as StepReport[]) : [];
    const image = saved.image instanceof Uint8Array ? saved.image : null;
    const frames = Array.isArray(saved.frames)
      ? (saved.frames as { iteration: number; image: unknown }[]).filter((f): f is { iteration: number; image: Uint8Array } => f.image instanceof Uint8Array && Number.isInteger(f.iteration))
      : [];
    return { ...(saved as unknown as LaneTrackBase), reports, image, imageVersion: 0, frames };
  }

  protected saveExtra(): Record<string, unknown> {
    return { width: this.width, height: this.height, original: this.original, imageName: this.imageName, before: this.before, model: this.model };
  }

  protected loadExtra(saved: Record<string, unknown>): void {
    this.width = Number(saved.width) || 0;
    this.height = Number(saved.height) || 0;
    this.original = saved.original instanceof Uint8Array && saved.original.length === this.width * this.height * 3 ? saved.original : null;
    this.imageName = typeof saved.imageName === 'string' ? saved.imageName : '';
    this.before = (saved.before as Classification | null) ?? null;
    this.model = (saved.model as { id: string; displayName: string } | null) ?? null;
    this.originalVersion++;
  }

  protected reset(): void {
    this.width = 0;
    this.height = 0;
    this.original = null;
    this.before = null;
    this.model = null;
    this.originalVersion++;
  }
}

/** The newest report of a lane, or null before the first frame. */
export function latestReport(lane: AttackLaneTrack): StepReport | null {
  return lane.reports.length ? lane.reports[lane.reports.length - 1]! : null;
}
