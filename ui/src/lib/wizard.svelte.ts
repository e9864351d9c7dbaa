// Wizard state shared by the steps (Svelte 5 runes in a module).
import * as ipc from './ipc';
import type { CleanupSummary, JournalSweep, WritePreview } from './types';
import type { ProfileView, CheckInfo, CheckResult, ExchangeSummary, IdpId, IpcError, Report, ResultsOf, RunEvent, Summary, TokenSource } from './types';
import { connectionChecks } from './idp';
import { applyRunEvent, type LiveRow } from './live-run.svelte';

export type StepId = 'target' | 'idp' | 'scim' | 'checks' | 'report' | 'sso' | 'provision' | 'scan' | 'trace' | 'profiles' | 'rotation' | 'guide' | 'mapping' | 'quarantine';
export const STEPS: { id: StepId; label: string }[] = [
  { id: 'target', label: 'Target' },
  { id: 'idp', label: 'Identity provider' },
  { id: 'scim', label: 'SCIM connection' },
  { id: 'checks', label: 'Checks' },
  { id: 'report', label: 'Report' },
  { id: 'sso', label: 'Single sign-on' },
  { id: 'mapping', label: 'Attribute mapping' },
  { id: 'provision', label: 'Provision on demand' },
  { id: 'scan', label: 'Tenant scan' },
  { id: 'trace', label: 'Sign-in trace' },
  { id: 'profiles', label: 'Profiles' },
  { id: 'rotation', label: 'Rotate a token' },
  { id: 'quarantine', label: 'Quarantine & sync' },
  { id: 'guide', label: 'Setup guide' },
];

export type Row = LiveRow;

class Wizard {
  step = $state<StepId>('target');
  url = $state('');
  profileId = $state('default');
  /** The target product picked on the Target step ('' = not listed); saved with the profile. */
  vendor = $state('');
  tokenSource = $state<TokenSource>({ kind: 'none' });
  tokenSaved = $state(false);
  demo = $state<{ baseUrl: string; quirks: string } | null>(null);
  idp = $state<IdpId>('entra');
  profiles = $state<ProfileView[]>([]);

  rows = $state<Row[]>([]);
  exchanges = $state<ExchangeSummary[]>([]);
  running = $state(false);
  /** Runs started this session (lets tests and screen readers tell runs apart). */
  runs = $state(0);
  done = $state(0);
  total = $state(0);
  summary = $state<Summary | null>(null);
  cancelled = $state(false);
  report = $state<Report | null>(null);
  error = $state<IpcError | null>(null);
  /** The kept last results on screen (from an earlier session), until the next run. */
  stored = $state<Report | null>(null);
  /** When the results on screen were run (ISO time), for "Last run: …". */
  lastRunAt = $state<string | null>(null);
  /** Why kept last results could not be shown (a damaged file). */
  lastNote = $state<string | null>(null);

  /** The SCIM connection step's "Test like <IdP> does" run, kept apart from the full run. */
  connRunning = $state(false);
  connRuns = $state(0);
  connReport = $state<Report | null>(null);

  /** Write mode on the Checks screen (opt-in; each run needs consent). */
  writeMode = $state(false);
  /** What the end of the last write run removed (or left). */
  writeCleanup = $state<CleanupSummary | null>(null);
  /** What the start-up sweep of the cleanup journal did. */
  sweep = $state<JournalSweep | null>(null);

  private plan: CheckInfo[] = [];

  /** App start: the plan, the saved profiles, and the profile run most recently, if any. */
  async start() {
    void this.sweepJournal();
    await this.loadPlan();
    await this.loadProfiles();
    let latest: { id: string; at: string } | null = null;
    for (const p of this.profiles) {
      try {
        const last = await ipc.lastResults({ kind: 'profile', profile_id: p.id });
        const at = last.report?.started_at;
        if (at && (!latest || at > latest.at)) latest = { id: p.id, at };
      } catch {
        // A profile whose results cannot be read is simply not the one to reopen.
      }
    }
    if (latest && !this.running && !this.url) await this.useProfile(latest.id);
  }

  /** Remove test objects an earlier write run left behind (crash, kill). */
  async sweepJournal() {
    try {
      this.sweep = await ipc.sweepJournal();
    } catch (e) {
      this.error = e as IpcError;
    }
  }

  async loadPlan() {
    try {
      const checks = await ipc.listChecks();
      this.plan = checks;
      if (!this.running && this.rows.length === 0) {
        this.rows = checks.map((c) => ({ id: c.id, title: c.title, state: 'pending' }));
        this.total = checks.length;
      }
    } catch (e) {
      this.error = e as IpcError;
    }
  }

  async useDemo() {
    this.error = null;
    try {
      const d = await ipc.startDemo();
      this.demo = { baseUrl: d.base_url, quirks: d.quirks };
      this.url = d.base_url;
      this.tokenSource = { kind: 'demo' };
      await this.loadLast({ kind: 'demo' });
    } catch (e) {
      this.error = e as IpcError;
    }
  }

  /** A URL typed by hand is not the demo server: stop offering the demo token to it. */
  urlEdited() {
    if (this.tokenSource.kind === 'demo' && this.url !== this.demo?.baseUrl) {
      this.tokenSource = this.tokenSaved ? { kind: 'profile', profile_id: this.profileId } : { kind: 'none' };
    }
  }

  /** Another profile id: whatever was saved belongs to the previous one. */
  profileEdited() {
    this.tokenSaved = false;
    if (this.tokenSource.kind === 'profile') this.tokenSource = { kind: 'none' };
  }

  async setQuirk(quirks: string) {
    this.error = null;
    try {
      const d = await ipc.setDemoQuirks(quirks);
      this.demo = { baseUrl: d.base_url, quirks: d.quirks };
    } catch (e) {
      this.error = e as IpcError;
    }
  }

  async loadProfiles() {
    try {
      this.profiles = await ipc.listProfiles();
    } catch (e) {
      this.error = e as IpcError;
    }
  }

  /** Point the wizard at a saved profile; its token stays in the keyring. */
  async useProfile(id: string) {
    const p = this.profiles.find((x) => x.id === id);
    if (!p) return;
    this.error = null;
    this.profileId = p.id;
    this.url = p.base_url;
    this.idp = p.idp;
    this.vendor = p.vendor ?? '';
    try {
      this.tokenSaved = await ipc.secretStatus(p.id, p.secret_kind);
      this.tokenSource = this.tokenSaved ? { kind: 'profile', profile_id: p.id } : { kind: 'none' };
    } catch (e) {
      this.error = e as IpcError;
    }
    await this.loadLast({ kind: 'profile', profile_id: p.id });
  }

  /** Show the last results kept for the demo server or a profile (or a clean plan). */
  async loadLast(of: ResultsOf) {
    if (this.running) return;
    try {
      const last = await ipc.lastResults(of);
      if (this.running) return;
      this.lastNote = last.note ?? null;
      this.showStored(last.report ?? null);
    } catch (e) {
      this.error = e as IpcError;
    }
  }

  private showStored(r: Report | null) {
    this.report = null;
    this.cancelled = false;
    this.exchanges = [];
    this.stored = r;
    this.lastRunAt = r?.started_at ?? null;
    this.summary = r?.summary ?? null;
    if (r) {
      this.rows = r.checks.map((c) => ({ id: c.id, title: c.title, state: c.status, result: c }));
      this.total = r.checks.length;
      this.done = r.checks.length;
    } else {
      this.rows = this.plan.map((c) => ({ id: c.id, title: c.title, state: 'pending' }));
      this.total = this.plan.length;
      this.done = 0;
    }
  }

  async saveToken(value: string): Promise<boolean> {
    this.error = null;
    try {
      if (this.url) {
        await ipc.saveProfileSettings({ id: this.profileId, name: this.profileId, base_url: this.url, idp: this.idp, vendor: this.vendor });
      }
      await ipc.saveSecret(this.profileId, 'token', value);
      await this.loadProfiles();
      this.tokenSaved = true;
      this.tokenSource = { kind: 'profile', profile_id: this.profileId };
      return true;
    } catch (e) {
      this.error = e as IpcError;
      return false;
    }
  }

  async forgetToken() {
    this.error = null;
    try {
      await ipc.deleteSecret(this.profileId, 'token');
      this.tokenSaved = false;
      if (this.tokenSource.kind === 'profile') this.tokenSource = { kind: 'none' };
    } catch (e) {
      this.error = e as IpcError;
    }
  }

  private onEvent(e: RunEvent) {
    applyRunEvent(this, e);
  }

  /** The read-only plan, or with `write` (a preview the admin accepted) the write plan. */
  async run(write?: WritePreview) {
    if (this.running || this.connRunning) return;
    this.writeCleanup = null;
    this.error = null;
    this.running = true;
    this.stored = null;
    this.lastNote = null;
    this.lastRunAt = null;
    this.runs += 1;
    this.done = 0;
    this.summary = null;
    this.report = null;
    this.cancelled = false;
    this.exchanges = [];
    for (const r of this.rows) {
      r.state = 'pending';
      r.result = undefined;
    }
    try {
      if (write) {
        const out = await ipc.runWriteChecks(write.run_id, this.tokenSource, this.idp, (ev) => this.onEvent(ev));
        this.report = out.report;
        this.writeCleanup = out.cleanup;
      } else {
        this.report = await ipc.runChecks(this.url, this.tokenSource, this.idp, (ev) => this.onEvent(ev), undefined, this.vendor);
      }
      this.summary = this.report.summary;
      this.lastRunAt = this.report.started_at;
    } catch (e) {
      this.error = e as IpcError;
    } finally {
      this.running = false;
    }
  }

  /** Only the chosen IdP's connection test (and its gates), as the IdP's button does it. */
  async testConnection() {
    if (this.running || this.connRunning) return;
    this.error = null;
    this.connRunning = true;
    this.connRuns += 1;
    this.connReport = null;
    try {
      this.connReport = await ipc.runChecks(this.url, this.tokenSource, this.idp, () => {}, connectionChecks(this.idp), this.vendor);
    } catch (e) {
      this.error = e as IpcError;
    } finally {
      this.connRunning = false;
    }
  }

  async cancel() {
    try {
      await ipc.cancelRun();
    } catch (e) {
      this.error = e as IpcError;
    }
  }
}

export const wizard = new Wizard();
