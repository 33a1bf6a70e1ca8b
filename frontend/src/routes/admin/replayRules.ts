// The replay form's rules (the server stays the judge) and a session's progress.
import type { ReplayTarget, ReplayType, SessionSummary } from '../../lib/api/types';

export interface ReplayForm {
  replay_type: ReplayType;
  target: ReplayTarget;
  execution_id: string;
  /** comma-separated */
  event_types: string;
  user_id: string;
  /** datetime-local values */
  start: string;
  end: string;
  speed_multiplier: number;
  batch_size: number;
  /** empty: no limit */
  max_events: string;
  skip_errors: boolean;
  target_file_path: string;
}

export function replayErrors(f: ReplayForm): Partial<Record<keyof ReplayForm, string>> {
  const errors: Partial<Record<keyof ReplayForm, string>> = {};
  if (f.replay_type === 'execution' && !f.execution_id.trim()) errors.execution_id = 'Which execution?';
  if (f.replay_type === 'event_type' && !f.event_types.split(',').some((t) => t.trim()))
    errors.event_types = 'Name at least one event type';
  if (f.replay_type === 'time_range' && !f.start && !f.end) errors.start = 'Give a start, an end or both';
  if (f.start && f.end && Date.parse(f.start) > Date.parse(f.end))
    errors.start = 'The start is after the end';
  if (!Number.isFinite(f.speed_multiplier) || f.speed_multiplier < 0.1 || f.speed_multiplier > 100)
    errors.speed_multiplier = 'Between 0.1 and 100';
  if (!Number.isInteger(f.batch_size) || f.batch_size < 1 || f.batch_size > 1000)
    errors.batch_size = 'A whole number from 1 to 1000';
  if (f.max_events.trim() !== '' && !/^[1-9]\d*$/.test(f.max_events.trim()))
    errors.max_events = 'A whole number of at least 1, or empty';
  if (f.target === 'file' && !f.target_file_path.trim())
    errors.target_file_path = 'Where to write the events';
  return errors;
}

/** Done share in %: replayed, failed and skipped events of the total; a completed session is full. */
export function progressOf(s: SessionSummary): number {
  if (s.status === 'completed') return 100;
  if (!s.total_events) return 0;
  const done = s.replayed_events + s.failed_events + s.skipped_events;
  return Math.max(0, Math.min(100, (done / s.total_events) * 100));
}
