// The tenex driver: the Columbia MM layout, mtx with LF line ends
// (formats-flat.md 6; locking.md 6). The engine is shared with mtx.
import type { Driver } from '../../store/types.js';
import { familyDriver } from '../tenex-family/driver.js';
import { TENEX } from '../tenex-family/layout.js';

export const tenexDriver: Driver = familyDriver(TENEX);
