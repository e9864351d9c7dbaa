// One streamed run of a check plan for the screens beside Checks (SSO, provision on demand):
// RunEvents in, rows with live status out, the final report kept. Svelte 5 runes in a class.
import type { CheckResult, ExchangeSummary, IpcError, Report, RunEvent, Summary } from './types';

export interface LiveRow { id: string; title: string; state: 'pending' | 'running' | CheckResult['status']; result?: CheckResult }

/** The fields a streamed run updates: the Checks screen's wizard and every LiveRun have them. */
export interface RunProgress {
  rows: LiveRow[];
  exchanges: ExchangeSummary[];
  done: number;
  total: number;
  summary: Summary | null;
  cancelled: boolean;
}

/** Apply one RunEvent to a run's live state (one implementation for every screen). */
export function applyRunEvent(s: RunProgress, e: RunEvent) {
  switch (e.event) {
    case 'started':
      s.rows = e.checks.map((c) => ({ id: c.id, title: c.title, state: 'pending' }));
      s.total = e.checks.length;
      break;
    case 'check_started': {
      const row = s.rows.find((r) => r.id === e.id);
      if (row) row.state = 'running';
      break;
    }
    case 'exchange':
      s.exchanges.push(e.exchange);
      break;
    case 'check_finished': {
      const row = s.rows.find((r) => r.id === e.result.id);
      if (row) {
        row.state = e.result.status;
        row.result = e.result;
      }
      s.done = e.index + 1;
      break;
    }
    case 'done':
      s.summary = e.summary;
      s.cancelled = e.cancelled;
      break;
  }
}

export class LiveRun {
  rows = $state<LiveRow[]>([]);
  exchanges = $state<ExchangeSummary[]>([]);
  running = $state(false);
  /** Runs started (tests and screen readers tell runs apart by it). */
  runs = $state(0);
  done = $state(0);
  total = $state(0);
  summary = $state<Summary | null>(null);
  cancelled = $state(false);
  report = $state<Report | null>(null);
  error = $state<IpcError | null>(null);

  onEvent = (e: RunEvent) => applyRunEvent(this, e);

  /** Start `launch` (which gets the event handler); returns its value, or null on an error. */
  async start<T extends { report?: Report } | Report>(launch: (onEvent: (e: RunEvent) => void) => Promise<T>): Promise<T | null> {
    if (this.running) return null;
    this.running = true;
    this.runs += 1;
    this.rows = [];
    this.exchanges = [];
    this.done = 0;
    this.total = 0;
    this.summary = null;
    this.cancelled = false;
    this.report = null;
    this.error = null;
    try {
      const out = await launch(this.onEvent);
      const report = 'schema_version' in out ? (out as Report) : (out as { report?: Report }).report ?? null;
      this.report = report;
      if (report) {
        this.summary = report.summary;
        // The final report is the truth (events may be dropped when the window was busy).
        this.rows = report.checks.map((c) => ({ id: c.id, title: c.title, state: c.status, result: c }));
      }
      return out;
    } catch (e) {
      this.error = e as IpcError;
      return null;
    } finally {
      this.running = false;
    }
  }
}
