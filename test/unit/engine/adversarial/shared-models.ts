/** Where the tests find the real models and photos: ../shared beside the repository. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED_MODELS_DIR = resolve(__dirname, '../../../../../shared/models');
export const SAMPLE_IMAGES_DIR = resolve(__dirname, '../../../../../shared/seed-data/sample_imgs');

/** The photos and what they show (from the seed data's description). */
export const SAMPLE_PHOTOS = [
  { file: join(SAMPLE_IMAGES_DIR, 'img_0.jpg'), animal: 'dog' },
  { file: join(SAMPLE_IMAGES_DIR, 'img_1.jpg'), animal: 'cat' },
  { file: join(SAMPLE_IMAGES_DIR, 'img_2.jpg'), animal: 'cat' },
  { file: join(SAMPLE_IMAGES_DIR, 'img_3.jpg'), animal: 'dog' },
  { file: join(SAMPLE_IMAGES_DIR, 'img_4.jpg'), animal: 'cat' },
] as const;

const haveModels = existsSync(join(SHARED_MODELS_DIR, 'darknet-tiny/model.json')) && existsSync(join(SHARED_MODELS_DIR, 'mobilenet_v1_0.75_224/model.json'));
const havePhotos = SAMPLE_PHOTOS.every((p) => existsSync(p.file));

/** Why the real-model tests cannot run here, or undefined when they can. */
export const skipRealModels: string | undefined = !haveModels
  ? `skipped: no pretrained models at ${SHARED_MODELS_DIR} (../shared/models)`
  : !havePhotos
    ? `skipped: no sample photos at ${SAMPLE_IMAGES_DIR}`
    : undefined;
