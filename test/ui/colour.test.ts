// Colour follows NO_COLOR and FORCE_COLOR.
import { describe, expect, it } from 'vitest';
import { stderrColour } from '../../src/ui/colour.js';

describe('stderrColour', () => {
  it('turns colour off when NO_COLOR is set', () => {
    expect(stderrColour({ NO_COLOR: '1' }).level).toBe(0);
  });
  it('lets FORCE_COLOR win over NO_COLOR', () => {
    expect(stderrColour({ NO_COLOR: '1', FORCE_COLOR: '1' }).level).toBeGreaterThan(0);
  });
  it('ignores an empty NO_COLOR, as no-color.org says', () => {
    expect(stderrColour({ NO_COLOR: '' })).toBe(stderrColour({}));
  });
  it('turns colour off with FORCE_COLOR=0', () => {
    expect(stderrColour({ FORCE_COLOR: '0' }).level).toBe(0);
  });
});
