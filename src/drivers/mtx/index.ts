// The mtx driver: the Tenex/TOPS-20 MAIL.TXT layout, CR LF line ends
// (formats-flat.md 5; locking.md 6). The engine is shared with tenex.
import type { Driver } from '../../store/types.js';
import { familyDriver } from '../tenex-family/driver.js';
import { MTX } from '../tenex-family/layout.js';

export const mtxDriver: Driver = familyDriver(MTX);
