/**
 * What the run loop (run.ts) needs from a lab: build its lanes at iteration 0, step them all in
 * lockstep, keep their histories, and say what to send. Each lab's driver lives beside its
 * maths in labs/ (regression-driver.ts, spread-driver.ts).
 */
import type { FrameMessage, RunStartedMessage } from '../protocol/messages';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A lab's part of its runStarted message (lab, lanes and what the lab adds). */
export type LabStarted = DistributiveOmit<RunStartedMessage, 'type' | 'runId' | 'backend'>;
/** A lab's part of a frame: its lab name and one batch per lane. */
export type LabFrame = DistributiveOmit<FrameMessage, 'type' | 'runId' | 'iteration' | 'status' | 'itersPerSecond'>;

export interface LabDriver {
  /**
   * Builds every lane at iteration 0 with its history holding the start (again on reset).
   * All or none: a lane that fails to build frees the ones built before it, and this throws.
   */
  createLanes(): void;
  readonly laneCount: number;
  /**
   * One step of lane `i`, recorded in its history; a finished lane repeats its state so every
   * history keeps one entry per iteration. The run loop steps the lanes of an iteration in
   * order, and may handle messages between two lanes (an attack step takes most of a second).
   */
  stepLane(i: number): void;
  /** True when no lane is still running. */
  settled(): boolean;
  started(): LabStarted;
  /**
   * Every lane's history for iterations [from, to). `runDone` marks lanes still running as done;
   * `final` says the run pauses or ends here, so bulky state (vectors, images) must go now.
   */
  frame(from: number, to: number, runDone: boolean, final: boolean): LabFrame;
  disposeLanes(): void;
  /** Frees the lanes and the lab's own tensors. */
  dispose(): void;
}

/** Builds `count` lanes, all or none: one that fails frees those built before it, and this rethrows. */
export function buildAll<T>(count: number, make: (i: number) => T, dispose: (lane: T) => void): T[] {
  const lanes: T[] = [];
  try {
    for (let i = 0; i < count; i++) lanes.push(make(i));
  } catch (e) {
    for (const lane of lanes) dispose(lane);
    throw e;
  }
  return lanes;
}
