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

/** Runs every lane of `task` on its image to the end, one lane after another. */
export async function attackImage(classifier: ImageClassifier, task: ImageAttackTask): Promise<ImageAttackResult> {
  let rgb: Uint8Array;
  let facts: ImageFacts | undefined;
  if ('file' in task.image) {
    const { rgb: pixels, format, sourceWidth, sourceHeight, orientation, crop } = await loadImageFile(task.image.file, classifier.inputWidth, classifier.inputHeight);
    rgb = pixels;
    facts = { format, sourceWidth, sourceHeight, orientation, crop };
  } else rgb = task.image.rgb;
  const lanes: LaneOutcome[] = [];
  for (const [i, spec] of task.lanes.entries()) {
    const run = new AttackRun(classifier, rgb, spec);
    try {
      const reports = [run.before];
      let stepMs = 0;
      while (!run.done) {
        const r = run.step();
        stepMs += r.stepMs;
        if (task.history) reports.push(r);
      }
      if (!task.history && run.steps > 0) reports.push(run.latest);
      if (i === 0 && task.out) await writeFile(task.out, await encodePng(run.adversarialRgb, classifier.inputWidth, classifier.inputHeight));
      lanes.push({ originalClass: run.originalClass, reports, steps: run.steps, msPerStep: run.steps ? stepMs / run.steps : 0 });
    } finally {
      run.dispose();
    }
  }
  return facts ? { image: facts, lanes } : { lanes };
}
