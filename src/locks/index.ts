// c-client's locks, for drivers to compose per format (locking.md).
export { flockNow, flockWait, type FlockMode } from './flock.js';
export { acquireTmpLock, readTmpLockPid, tmpLockName, type TmpLock } from './tmplock.js';
export { acquireDotLock, DOTLOCK_STALE_MS, type DotLock, type DotLockOptions } from './dotlock.js';
export { guardAgainstKissOfDeath } from './kiss-of-death.js';
