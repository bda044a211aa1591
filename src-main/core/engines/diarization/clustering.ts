// Owns grouping speaker embeddings into speakers: agglomerative clustering on cosine distance
// (1 − cosine similarity), as sherpa-onnx's fast clustering does, merging until the closest two
// clusters are further apart than the threshold or until the asked number of speakers is left.
// Clusters are compared by average linkage (UPGMA) rather than sherpa-onnx's single linkage: one
// ambiguous embedding then cannot chain two voices into one. The pairwise table is quadratic, so
// more embeddings than a block (an hour gives thousands) are first clustered a block at a time
// by the threshold, and the blocks' clusters then clustered as weighted centroids.

/** sherpa-onnx's default cosine-distance threshold. */
export const defaultClusterThreshold = 0.5;
/** Embeddings clustered at once: a 512 × 512 table of doubles is 2 MB. */
export const clusterBlockSize = 512;

export interface ClusterOptions {
  /** Exactly this many clusters (fewer where there are fewer embeddings). */
  speakerCount?: number;
  /** Cosine distance above which clusters stay apart (ignored where speakerCount is given, but for blocks). */
  threshold?: number;
  blockSize?: number;
}

/** A cluster label (0, 1, …, in order of first appearance) for each embedding. */
export function clusterEmbeddings(embeddings: readonly Float32Array[], options: ClusterOptions = {}): number[] {
  const threshold = options.threshold ?? defaultClusterThreshold;
  const blockSize = Math.max(2, options.blockSize ?? clusterBlockSize);
  const units = embeddings.map((embedding) => unit(embedding));
  if (units.length <= blockSize) return firstAppearanceOrder(agglomerate(units, units.map(() => 1), threshold, options.speakerCount));
  // Blocks by the threshold alone; the centroids then by the caller's rule.
  const labels = new Array<number>(units.length);
  const centroids: Float64Array[] = [];
  const weights: number[] = [];
  for (let from = 0; from < units.length; from += blockSize) {
    const block = units.slice(from, from + blockSize);
    const blockLabels = agglomerate(block, block.map(() => 1), threshold, undefined);
    const base = centroids.length;
    const count = Math.max(...blockLabels) + 1;
    for (let cluster = 0; cluster < count; cluster++) {
      centroids.push(new Float64Array(block[0]!.length));
      weights.push(0);
    }
    blockLabels.forEach((label, index) => {
      labels[from + index] = base + label;
      const centroid = centroids[base + label]!;
      block[index]!.forEach((value, dim) => (centroid[dim] = centroid[dim]! + value));
      weights[base + label] = weights[base + label]! + 1;
    });
  }
  // Blocks that merged nothing leave as many centroids as embeddings: cluster them in one go rather than recurse for ever.
  const centroidLabels = centroids.length <= blockSize || centroids.length >= embeddings.length
    ? agglomerate(centroids.map((centroid) => unit(centroid)), weights, threshold, options.speakerCount)
    : clusterEmbeddings(centroids.map((centroid) => Float32Array.from(centroid)), options);
  return firstAppearanceOrder(labels.map((label) => centroidLabels[label]!));
}

/** Average-linkage agglomeration of unit vectors with initial weights; labels 0 … k − 1. */
function agglomerate(units: readonly Float64Array[], weights: readonly number[], threshold: number, speakerCount: number | undefined): number[] {
  const count = units.length;
  if (count === 0) return [];
  const distance = new Float64Array(count * count);
  for (let row = 0; row < count; row++) {
    for (let column = row + 1; column < count; column++) {
      const value = Math.max(0, 1 - dot(units[row]!, units[column]!));
      distance[row * count + column] = value;
      distance[column * count + row] = value;
    }
  }
  const size = Float64Array.from(weights);
  const alive = new Uint8Array(count).fill(1);
  const parent = Array.from({ length: count }, (_, index) => index);
  let clusters = count;
  const target = speakerCount !== undefined ? Math.max(1, Math.floor(speakerCount)) : 1;
  while (clusters > target) {
    let best = Number.POSITIVE_INFINITY;
    let first = -1;
    let second = -1;
    for (let row = 0; row < count; row++) {
      if (!alive[row]) continue;
      for (let column = row + 1; column < count; column++) {
        if (alive[column] && distance[row * count + column]! < best) {
          best = distance[row * count + column]!;
          first = row;
          second = column;
        }
      }
    }
    if (first < 0 || (speakerCount === undefined && best > threshold)) break;
    // Lance–Williams update for average linkage: the merged cluster's distance to any other is
    // the size-weighted mean of its parts' distances.
    const total = size[first]! + size[second]!;
    for (let other = 0; other < count; other++) {
      if (!alive[other] || other === first || other === second) continue;
      const merged = (size[first]! * distance[first * count + other]! + size[second]! * distance[second * count + other]!) / total;
      distance[first * count + other] = merged;
      distance[other * count + first] = merged;
    }
    size[first] = total;
    alive[second] = 0;
    parent[second] = first;
    clusters--;
  }
  const root = (index: number): number => (parent[index] === index ? index : root(parent[index]!));
  return firstAppearanceOrder(units.map((_, index) => root(index)));
}

/** Labels renumbered 0, 1, … in the order they first appear. */
function firstAppearanceOrder(labels: readonly number[]): number[] {
  const names = new Map<number, number>();
  return labels.map((label) => {
    let name = names.get(label);
    if (name === undefined) {
      name = names.size;
      names.set(label, name);
    }
    return name;
  });
}

function unit(vector: ArrayLike<number>): Float64Array {
  let norm = 0;
  for (let index = 0; index < vector.length; index++) norm += vector[index]! * vector[index]!;
  norm = Math.sqrt(norm);
  const result = new Float64Array(vector.length);
  // A zero vector stays zero: at distance 1 from everything, it becomes a speaker of its own
  // unless a count forces it into one.
  if (norm > 0) for (let index = 0; index < vector.length; index++) result[index] = vector[index]! / norm;
  return result;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}
