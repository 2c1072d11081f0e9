/**
 * One image attacked to the end by every lane asked for: what a table row needs ("Attack every
 * image", the CLI's folder mode) and what the CLI prints for one file. It runs wherever it is
 * called — in the CLI's own thread for one file, in a pool worker (attack-worker.ts) for a set —
 * and the lanes are AttackRuns, so a row holds exactly what a lane in the window would report.
 */
import { writeFile } from 'node:fs/promises';
import type { AttackSpec, StepReport } from '../../protocol/adversarial';
import { AttackRun } from './attack-run';
import type { ImageClassifier } from './image-classifier';
import { encodePng, loadImageFile, type ModelImage } from './image-io';

export interface ImageAttackTask {
  /** A file to decode for the model (cropped and scaled), or an image already at its input size. */
  image: { file: string } | { rgb: Uint8Array };
  lanes: AttackSpec[];
  /** Where to write the first lane's adversarial image (8-bit PNG, as reported). */
  out?: string;
  /** Keep every step's report; otherwise only the first (the original) and the last. */
  history?: boolean;
}

export interface LaneOutcome {
  /** The original's top-1 class (what an untargeted lane moves away from). */
  originalClass: number;
  /** Step 0 (the original) first, then every step or only the last (see `history`). */
  reports: StepReport[];
  steps: number;
  msPerStep: number;
}

export type ImageFacts = Pick<ModelImage, 'format' | 'sourceWidth' | 'sourceHeight' | 'orientation' | 'crop'>;

export interface ImageAttackResult {
  /** What the decoder found, for an image read from a file. */
  image?: ImageFacts;
  lanes: LaneOutcome[];
}

/** Runs every lane of `task` on its image to the end, in lockstep: the lanes still going step as one batch (AttackRun.stepTogether). */
export async function attackImage(classifier: ImageClassifier, task: ImageAttackTask): Promise<ImageAttackResult> {
  let rgb: Uint8Array;
  let facts: ImageFacts | undefined;
  if ('file' in task.image) {
    const { rgb: pixels, format, sourceWidth, sourceHeight, orientation, crop } = await loadImageFile(task.image.file, classifier.inputWidth, classifier.inputHeight);
    rgb = pixels;
    facts = { format, sourceWidth, sourceHeight, orientation, crop };
  } else rgb = task.image.rgb;
  const runs: AttackRun[] = [];
  try {
    for (const spec of task.lanes) runs.push(new AttackRun(classifier, rgb, spec));
    const reports = runs.map((run) => [run.before]);
    const stepMs = runs.map(() => 0);
    for (let active = runs.filter((r) => !r.done); active.length > 0; active = active.filter((r) => !r.done)) {
      const stepped = AttackRun.stepTogether(active);
      active.forEach((run, j) => {
        const i = runs.indexOf(run);
        stepMs[i]! += stepped[j]!.stepMs;
        if (task.history) reports[i]!.push(stepped[j]!);
      });
    }
    const lanes = runs.map((run, i): LaneOutcome => {
      if (!task.history && run.steps > 0) reports[i]!.push(run.latest);
      return { originalClass: run.originalClass, reports: reports[i]!, steps: run.steps, msPerStep: run.steps ? stepMs[i]! / run.steps : 0 };
    });
    if (runs[0] && task.out) await writeFile(task.out, await encodePng(runs[0].adversarialRgb, classifier.inputWidth, classifier.inputHeight));
    return facts ? { image: facts, lanes } : { lanes };
  } finally {
    for (const run of runs) run.dispose();
  }
}
