import type { BroadcastStats } from '../api/list-broadcasts.ts';
import { formatMoney } from './display.ts';
import { type Stat, StatGrid } from './stat-grid.tsx';

function share(part: number, whole: number): string | undefined {
  return whole > 0 ? `${Math.round((part / whole) * 1000) / 10}%` : undefined;
}

/** The live counters of a broadcast. */
export function ReportCounters(props: { stats: BroadcastStats }) {
  const { stats } = props;
  const waiting = Math.max(0, stats.queued - stats.finished);
  const stat = (label: string, value: number, hint?: string, color?: string): Stat => ({
    label,
    value: value.toLocaleString(),
    hint,
    color: value > 0 ? color : undefined,
  });
  return (
    <StatGrid
      stats={[
        stat('Queued', stats.queued, waiting > 0 ? `${waiting.toLocaleString()} still to send` : 'all handed over'),
        stat('Sent', stats.sent, share(stats.sent, stats.queued) && `${share(stats.sent, stats.queued)} of queued`),
        stat('Delivered', stats.delivered, share(stats.delivered, stats.sent) && `${share(stats.delivered, stats.sent)} of sent`, 'teal'),
        stat('Failed', stats.failed, share(stats.failed, stats.queued) && `${share(stats.failed, stats.queued)} of queued`, 'red'),
        stat('Unknown', stats.unknown, 'outcome being checked', 'orange'),
        stat('Clicked', stats.clicked, stats.clicks > 0 ? `${stats.clicks.toLocaleString()} clicks in all` : undefined, 'blue'),
        stat('Replied', stats.replied, share(stats.replied, stats.delivered) && `${share(stats.replied, stats.delivered)} of delivered`),
        stat(
          'Opted out',
          stats.optedOut,
          share(stats.optedOut, stats.delivered) && `${share(stats.optedOut, stats.delivered)} of delivered`,
          'orange',
        ),
        { label: 'Cost', value: formatMoney(stats.costMicros), hint: 'as charged so far' },
        stat('Cancelled', stats.cancelled, 'not sent'),
      ]}
    />
  );
}
