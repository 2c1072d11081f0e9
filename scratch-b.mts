import { benchSweep } from './scripts/bench-sweep'; await benchSweep();
