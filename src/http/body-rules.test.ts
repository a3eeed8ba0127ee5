import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan } from './body-rules.js';

describe('jsonNestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings or after escapes', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":"\\"[[[[[[","b":1}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('[],[],[],[]', 1)).toBe(false);
  });

  it('stops at the first level past the bound of a megabyte of brackets', () => {
    expect(jsonNestsDeeperThan('['.repeat(1024 * 1024), 16)).toBe(true);
    expect(jsonNestsDeeperThan(`${'['.repeat(16)}${']'.repeat(16)}`, 16)).toBe(false);
  });
});
