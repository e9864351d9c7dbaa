// The only module that talks to the Tauri shell. Everything else imports from here.
import { invoke, Channel } from '@tauri-apps/api/core';
import type {
  CheckInfo, DemoServer, IdpId, IpcError, LastResults, ProfileView, ProfileInput, RotationStep, RotationView, TokenWarnings, UrlProblem, VendorOption, GuideView, Report, ResultsOf, RunEvent, TokenSource, BundleInput, BundlePreview, DialectInfo, ExplainedError, JournalSweep, MatchOutcome, OidcInput, OnDemandOutcome, SamlInput, ScanEvent, WriteOutcome, WritePreview, TraceInput, TraceView, RedactSummary,
} from './types';

function toIpcError(e: unknown): IpcError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    return { code: String((e as IpcError).code), message: String((e as IpcError).message) };
  }
  return { code: 'ipc/unknown', message: String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const listChecks = () => call<CheckInfo[]>('list_checks');
export const startDemo = () => call<DemoServer>('start_demo');
export const setDemoQuirks = (quirks: string) => call<DemoServer>('set_demo_quirks', { quirks });

/** Runs the read-only plan, or only the check ids in `only` (validated by the shell).
 *  `vendor`: the Target step's product; without it the shell uses the profile's saved vendor,
 *  else the one the URL's host names (`generic` turns the vendor checks off). */
export function runChecks(
  url: string, tokenSource: TokenSource, idp: IdpId, onEvent: (e: RunEvent) => void, only?: string[],
  vendor?: string,
): Promise<Report> {
  const channel = new Channel<RunEvent>();
  channel.onmessage = onEvent;
  return call<Report>('run_checks', { url, tokenSource, idp, only: only ?? null, vendor: vendor || null, onEvent: channel });
}

export const cancelRun = () => call<boolean>('cancel_run');

/** Sends the secret once; it is never returned. */
export const saveSecret = (profileId: string, kind: 'token' | 'client-secret', value: string) =>
  call<void>('save_secret', { profileId, kind, value });
export const deleteSecret = (profileId: string, kind: 'token' | 'client-secret') =>
  call<void>('delete_secret', { profileId, kind });
export const secretStatus = (profileId: string, kind: 'token' | 'client-secret') =>
  call<boolean>('secret_status', { profileId, kind });

/** Non-secret settings of a saved target (the token goes through saveSecret). */
export const saveProfile = (profile: { id: string; name: string; base_url: string; idp: IdpId }) =>
  call<ProfileView>('save_profile', { profile });
export const listProfiles = () => call<ProfileView[]>('list_profiles');

// Profiles, token lifecycle and rotation. Secrets go one way only: UI → keyring.
export const saveProfileSettings = (profile: ProfileInput) => call<ProfileView>('save_profile', { profile });
/** Deletes the profile and every keyring item of it. */
export const deleteProfile = (profileId: string) => call<void>('delete_profile', { profileId });
/** Expiring tokens for the start banner (the page's first call: it also marks "interactive"). */
export const tokenWarnings = () => call<TokenWarnings>('token_warnings');
/** Sets the profile's expiry from the saved token's JWT `exp` (read in Rust). */
export const expiryFromToken = (profileId: string) => call<ProfileView>('expiry_from_token', { profileId });
export const rotationStatus = (profileId: string) => call<RotationView | null>('rotation_status', { profileId });
export const rotationStart = (profileId: string) => call<RotationView>('rotation_start', { profileId });
/** Sends the new secret once; it is kept in the keyring as pending until it passes. */
export const rotationNewSecret = (profileId: string, value: string, expiresAt: string | null) =>
  call<RotationView>('rotation_new_secret', { profileId, value, expiresAt });
export const rotationConfirm = (profileId: string, step: RotationStep) => call<RotationView>('rotation_confirm', { profileId, step });
export const rotationTest = (profileId: string) => call<RotationView>('rotation_test', { profileId });
export const rotationCancel = (profileId: string) => call<void>('rotation_cancel', { profileId });
export const listVendors = () => call<VendorOption[]>('list_vendors');
/** `null` when the URL fits the vendor's documented pattern, else which part is wrong. */
export const checkVendorUrl = (vendor: string, url: string) => call<UrlProblem | null>('check_vendor_url', { vendor, url });
/** Sets the profile's expiry to its vendor's default token lifetime from now. */
export const vendorExpiry = (profileId: string) => call<ProfileView>('vendor_expiry', { profileId });
/** The IdP's setup guide filled from a saved profile (or the typed URL); null for the generic client. */
export const idpGuide = (idp: IdpId, profileId: string | null, url: string | null) =>
  call<GuideView | null>('idp_guide', { idp, profileId, url });

/** Writes the last report's JSON into the Downloads folder; returns the path. */
export const saveReport = () => call<string>('save_report');

/** The last full run kept for the demo server or a saved profile (never an error for a damaged file). */
export const lastResults = (of: ResultsOf) => call<LastResults>('last_results', { of });

// Write mode behind consent: the preview sends nothing; the run needs the previewed run id.
export const listDialects = () => call<DialectInfo[]>('list_dialects');
export const writePreview = (url: string, idp: IdpId, dialect: string) =>
  call<WritePreview>('write_preview', { url, idp, dialect });
export function runWriteChecks(runId: string, tokenSource: TokenSource, idp: IdpId, onEvent: (e: RunEvent) => void): Promise<WriteOutcome> {
  const channel = new Channel<RunEvent>();
  channel.onmessage = onEvent;
  return call<WriteOutcome>('run_write_checks', { runId, tokenSource, idp, onEvent: channel });
}
/** Options of a Provision-on-demand run: overrides text (TOML/JSON, as `--mapping FILE`) and the update rehearsal. */
export interface ProvisionOptions { mapping: string | null; rehearseUpdate: boolean }
export const provisionPreview = (url: string, dialect: string, userJson: string, opts: ProvisionOptions = { mapping: null, rehearseUpdate: false }) =>
  call<WritePreview>('provision_preview', { url, dialect, userJson, mapping: opts.mapping, rehearseUpdate: opts.rehearseUpdate });
export function provisionOnDemand(
  runId: string, tokenSource: TokenSource, userJson: string, onEvent: (e: RunEvent) => void,
  opts: ProvisionOptions = { mapping: null, rehearseUpdate: false },
): Promise<OnDemandOutcome> {
  const channel = new Channel<RunEvent>();
  channel.onmessage = onEvent;
  return call<OnDemandOutcome>('provision_on_demand', {
    runId, tokenSource, userJson, mapping: opts.mapping, rehearseUpdate: opts.rehearseUpdate, onEvent: channel,
  });
}
export const provisionMatch = (url: string, dialect: string, tokenSource: TokenSource, userName: string) =>
  call<MatchOutcome>('provision_match', { url, dialect, tokenSource, userName });
export function runScan(url: string, tokenSource: TokenSource, pageSize: number, onEvent: (e: ScanEvent) => void): Promise<Report> {
  const channel = new Channel<ScanEvent>();
  channel.onmessage = onEvent;
  return call<Report>('run_scan', { url, tokenSource, pageSize, onEvent: channel });
}
/** Removes test objects earlier write runs left behind (the app calls it on start). */
export const sweepJournal = () => call<JournalSweep>('sweep_journal');

// SSO step.
export function runOidc(input: OidcInput, onEvent: (e: RunEvent) => void): Promise<Report> {
  const channel = new Channel<RunEvent>();
  channel.onmessage = onEvent;
  return call<Report>('run_oidc', { input, onEvent: channel });
}
export function runSaml(input: SamlInput, onEvent: (e: RunEvent) => void): Promise<Report> {
  const channel = new Channel<RunEvent>();
  channel.onmessage = onEvent;
  return call<Report>('run_saml', { input, onEvent: channel });
}
export const explainError = (text: string) => call<ExplainedError[]>('explain_error', { text });

// Escalation package of the last run.
export const bundlePreview = (input: BundleInput) => call<BundlePreview>('bundle_preview', { input });
export const exportBundle = (path: string, input: BundleInput, overwrite: boolean) =>
  call<string>('export_bundle', { path, input, overwrite });

// Sign-in trace: the HAR's bytes go as the raw request body (no JSON encoding of a big file).
export async function traceHar(name: string, bytes: Uint8Array, input: TraceInput): Promise<TraceView> {
  try {
    return await invoke<TraceView>('trace_har', bytes, {
      headers: { 'x-har-name': encodeURIComponent(name), 'x-trace-options': encodeURIComponent(JSON.stringify(input)) },
    });
  } catch (e) {
    throw toIpcError(e);
  }
}
export const traceHarFile = (path: string, input: TraceInput) => call<TraceView>('trace_har_file', { path, input });
/** Files dropped on the window (the OS gives paths; the webview gets no File objects). */
export async function onFileDrop(handler: (paths: string[]) => void): Promise<() => void> {
  // Loaded when the Trace screen first listens, not in the start-up bundle.
  const { getCurrentWebview } = await import('@tauri-apps/api/webview');
  return getCurrentWebview().onDragDropEvent((e) => {
    if (e.payload.type === 'drop') handler(e.payload.paths);
  });
}
/** The core's redacted copy of the HAR on screen (placeholders for every secret). */
export const saveRedactedHar = (path: string, maskNames: boolean, overwrite: boolean) =>
  call<RedactSummary>('save_redacted_har', { path, maskNames, overwrite });
// end of sign-in trace

// Attribute mapping and quarantine screens (src-tauri/src/commands/mapping.rs, quarantine.rs).
import type { MappingView, OverridesText, QuarantineView } from './types';
/** Reads the target's live /Schemas (two GETs) and plans the dialect's default mapping. */
export const mappingPlan = (url: string, tokenSource: TokenSource, dialect: string, vendor: string | null) =>
  call<MappingView>('mapping_plan', { url, tokenSource, dialect, vendor });
/** The ticked changes as overrides TOML the core accepts. Sends nothing. */
export const mappingOverrides = (remove: string[], add: string[]) => call<OverridesText>('mapping_overrides', { remove, add });
/** Entra's quarantine schedule from the first credential failure (null = now, the app's clock). */
export const quarantineTimeline = (firstFailure: string | null, vendor: string | null) =>
  call<QuarantineView>('quarantine_timeline', { firstFailure, vendor });
// end of mapping and quarantine
