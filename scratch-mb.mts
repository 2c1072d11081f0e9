import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './main/engine/backend';
await selectBackend('cpu');
const a = tf.randomNormal([400, 2]); const b = tf.randomNormal([400, 2]); const a2 = tf.randomNormal([2, 400]);const c1 = tf.randomNormal([1,400]);
for (const [name, f] of [['mul same', () => tf.mul(a, b)], ['split axis1 [400,2]', () => tf.split(a, 2, 1)[0]!], ['split axis0 [2,400]', () => tf.split(a2, 2, 0)[0]!],['unstack', () => tf.unstack(a2)[0]!], ['concat axis0', () => tf.concat([c1, c1], 0)], ['stack', () => tf.stack([c1, c1])]] as const) {
  for (let i = 0; i < 2000; i++) tf.tidy(f as () => tf.Tensor);
  const t0 = performance.now();
  for (let i = 0; i < 20000; i++) tf.tidy(f as () => tf.Tensor);
  console.log(name, ((performance.now() - t0) / 20000 * 1000).toFixed(1), 'µs');
}
