// The goal comparison of a workflow's report: the share of treated members who reached the goal against the share of
// held-out members who did, over the same window, and the difference with a 95% confidence interval.
//
// The interval is Newcombe's hybrid score interval for a difference of two independent proportions ("method 10" in
// Newcombe, Statistics in Medicine 1998;17:873–890), built from each proportion's Wilson score interval. Unlike the
// Wald interval it stays inside [-1, 1], behaves at rates near 0 or 1 and with small groups, which is where holdouts
// of a few percent leave us. Runs still inside their goal window count as not (yet) reached, in both groups alike.

export const Z_95 = 1.959963984540054;

export type Interval = { low: number; high: number };

/** The Wilson score interval of x successes out of n (n > 0). */
export function wilson(x: number, n: number, z = Z_95): Interval {
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** p1 − p2 and Newcombe's interval for it; null when a group is empty. */
export function differenceOfProportions(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z = Z_95,
): { difference: number; interval: Interval } | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  const difference = p1 - p2;
  return {
    difference,
    interval: {
      low: difference - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
      high: difference + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
    },
  };
}
