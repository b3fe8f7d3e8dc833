// The part of autocannon's programmatic API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  export type Options = {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Worker threads firing the requests; keeps the load generator off the server's event loop. */
    workers?: number;
  };
  export type Histogram = { average: number; p50: number; p90: number; p99: number; max: number };
  export type Result = {
    /** Seconds. */
    duration: number;
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
    /** Milliseconds. */
    latency: Histogram;
    requests: Histogram & { total: number };
  };
  export default function autocannon(options: Options): Promise<Result>;
}
