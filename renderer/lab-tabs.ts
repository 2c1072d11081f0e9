/** The labs the window offers, in tab order, with what the header says about each. */
import type { LabName } from '../main/protocol/limits';

export interface LabTab {
  lab: LabName;
  title: string;
  tagline: string;
}

export const LAB_TABS: readonly LabTab[] = [
  { lab: 'regression', title: 'Regression', tagline: 'Watch optimizers walk down the least-squares bowl, side by side.' },
  { lab: 'spread', title: 'Spread', tagline: 'Push unit vectors as far apart as they go, and watch them settle on the sphere.' },
  { lab: 'adversarial', title: 'Adversarial', tagline: 'Nudge a photo’s pixels along the gradient until the classifier sees something else.' },
  { lab: 'surface', title: 'Surface', tagline: 'Race the optimizers across any function you can write; autodiff does the calculus.' },
];
