import { describe, expect, it } from 'vitest';
import { clusterEmbeddings } from '../../../../src-main/core/engines/diarization/clustering.js';

/** Unit-ish vectors near one of a few orthogonal directions, with a deterministic wobble. */
function near(direction: number, dimension: number, seed: number, spread = 0.15, scale = 1): Float32Array {
  const vector = new Float32Array(dimension);
  let state = seed * 7919 + 13;
  for (let index = 0; index < dimension; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    vector[index] = spread * ((state / 2 ** 32) * 2 - 1);
  }
  vector[direction] = vector[direction]! + 1;
  return vector.map((value) => value * scale);
}

describe('clusterEmbeddings', () => {
  it('finds two speakers whose embeddings point two ways, whatever their lengths', () => {
    const embeddings = [0, 1, 0, 0, 1, 1, 0, 1].map((direction, index) => near(direction, 32, index, 0.15, 1 + index));
    expect(clusterEmbeddings(embeddings)).toEqual([0, 1, 0, 0, 1, 1, 0, 1]);
  });

  it('finds three, labelled in order of first appearance', () => {
    const directions = [2, 2, 0, 1, 0, 2, 1, 1, 0];
    expect(clusterEmbeddings(directions.map((direction, index) => near(direction, 24, index)))).toEqual([0, 0, 1, 2, 1, 0, 2, 2, 1]);
  });

  it('merges down to a given number of speakers, the closest first', () => {
    // The last leans a little towards direction 1: too little to join it by the threshold
    // (cosine distance ≈ 0.7), but nearer it than direction 0.
    const embeddings = [near(0, 16, 1, 0.05), near(1, 16, 2, 0.05), near(0, 16, 3, 0.05), near(1, 16, 4, 0.05)];
    embeddings.push(Float32Array.from(near(2, 16, 5, 0.05), (value, index) => (index === 1 ? value + 0.3 : value)));
    expect(clusterEmbeddings(embeddings)).toEqual([0, 1, 0, 1, 2]);
    expect(clusterEmbeddings(embeddings, { speakerCount: 2 })).toEqual([0, 1, 0, 1, 1]);
    expect(clusterEmbeddings(embeddings, { speakerCount: 1 })).toEqual([0, 0, 0, 0, 0]);
    expect(clusterEmbeddings(embeddings, { speakerCount: 9 })).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps more apart under a tighter threshold, fewer under a looser one', () => {
    const embeddings = [near(0, 16, 1, 0.05), near(0, 16, 2, 0.05), near(1, 16, 3, 0.05)];
    embeddings.push(Float32Array.from(near(0, 16, 4, 0.05), (value, index) => (index === 1 ? 0.8 : value)));
    expect(clusterEmbeddings(embeddings)).toEqual([0, 0, 1, 0]);
    expect(clusterEmbeddings(embeddings, { threshold: 0.1 })).toEqual([0, 0, 1, 2]);
    expect(clusterEmbeddings(embeddings, { threshold: 1.5 })).toEqual([0, 0, 0, 0]);
  });

  it('clusters more embeddings than a block a block at a time, with the same speakers', () => {
    const directions = Array.from({ length: 1100 }, (_, index) => (Math.floor(index / 7) % 3));
    // Direction 2 leans towards 1 (cosine distance ≈ 0.63), so a count of two joins those.
    const embeddings = directions.map((direction, index) => {
      const vector = near(direction, 16, index, 0.05);
      if (direction === 2) vector[1] = vector[1]! + 0.4;
      return vector;
    });
    const labels = clusterEmbeddings(embeddings, { blockSize: 256 });
    expect(new Set(labels).size).toBe(3);
    expect(labels).toEqual(directions);
    expect(clusterEmbeddings(embeddings, { blockSize: 256, speakerCount: 2 }).filter((label, index) => label !== (directions[index] === 0 ? 0 : 1))).toHaveLength(0);
  });

  it('gives nothing for nothing', () => {
    expect(clusterEmbeddings([])).toEqual([]);
  });

  it('ends when no block merges anything (voices all unlike each other), instead of recursing for ever', () => {
    const embeddings = Array.from({ length: 24 }, (_, index) => Float32Array.from({ length: 24 }, (_, dim) => (dim === index ? 1 : 0)));
    const labels = clusterEmbeddings(embeddings, { blockSize: 4, threshold: 0.01 });
    expect(new Set(labels).size).toBe(24);
  });
});
