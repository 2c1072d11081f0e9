// Generates assets/data/adult-men-150.csv: 150 synthetic adult men drawn from a bivariate
// normal with published US means (CDC/NCHS, "Anthropometric Reference Data for Children and
// Adults: United States, 2015–2018", Vital Health Stat 3(46), 2021: men aged 20+, mean height
// 175.3 cm = 69.0 in, mean weight 90.6 kg = 199.8 lb). The standard deviations (3.0 in, 32 lb)
// and the height–weight correlation (0.45) are round figures of the size such surveys report;
// they are assumptions, stated here, not quoted values. Seeded, so the file is reproducible.
import { writeFileSync } from 'node:fs';
import Papa from 'papaparse';

let a = 20261125;
const random = () => {
  a = (a + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const [meanH, sdH, meanW, sdW, rho] = [69.0, 3.0, 199.8, 32, 0.45];
const rows = [['height_in', 'weight_lb']];
for (let i = 0; i < 150; i++) {
  const z1 = gauss();
  const z2 = gauss();
  const h = meanH + sdH * z1;
  const w = meanW + sdW * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
  rows.push([h.toFixed(1), w.toFixed(1)]);
}
writeFileSync(new URL('../assets/data/adult-men-150.csv', import.meta.url), Papa.unparse(rows, { newline: '\n' }) + '\n');
console.log('wrote assets/data/adult-men-150.csv');
