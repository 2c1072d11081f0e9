import { parseRequest } from './main/protocol/messages';
const ok = { type: 'sweep', requestId: 'r1', lab: 'surface', problem: { fn: { kind: 'preset', preset: 'beale' }, start: { x: 1, y: 1.5 } }, grid: { optimizer: 'adam', params: {}, axes: [{ name: 'learningRate', lo: 1e-3, hi: 0.1, log: true, cells: 10 }] }, iterations: 100 };
console.log(parseRequest(ok).ok, JSON.stringify(parseRequest({ ...ok, grid: { ...ok.grid, axes: [{ name: 'learningRate', lo: 1, hi: 0.1, log: true, cells: 10 }] } })));
