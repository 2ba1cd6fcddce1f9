import { describe, it } from 'vitest';
import { memoryStore } from '../../src/stores';
import { describeStore } from '../../src/testing/storeConformance';

describeStore('memoryStore', ({ clock }) => memoryStore({ clock: clock.now }), { describe, it });
