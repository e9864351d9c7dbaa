// Profiles, token expiry and the rotation wizard (Svelte 5 runes in a module). Secrets typed
// here go to the shell once and are forgotten; nothing here can read one back.
import * as ipc from './ipc';
import { wizard } from './wizard.svelte';
import type { IpcError, ProfileInput, ProfileView, RotationStep, RotationView, TokenExpiry, TokenWarnings } from './types';

/** How the form sets the token's expiry: none, a date typed in, the JWT's `exp`, or the vendor's default lifetime. */
export type ExpiryMode = 'none' | 'entered' | 'jwt' | 'vendor';

/** Plain words for days left, as the profile list and the banner show them. */
export function expiryText(e: TokenExpiry): string {
  if (e.band === 'unknown' || e.days_left === undefined) return 'No expiry recorded';
  const d = e.days_left;
  if (e.band === 'expired') return d === 0 ? 'Expired today' : `Expired ${-d} day${d === -1 ? '' : 's'} ago`;
  if (d === 0) return 'Expires within a day';
  return `${d} day${d === 1 ? '' : 's'} left`;
}

class Profiles {
  warnings = $state<TokenWarnings | null>(null);
  bannerDismissed = $state(false);
  /** The profile open in the form; `null` with `formOpen` means a new one. */
  editing = $state<ProfileView | null>(null);
  formOpen = $state(false);
  saving = $state(false);
  /** The profile id whose deletion waits for confirmation. */
  confirmDelete = $state<string | null>(null);

  rotationId = $state('');
  rotation = $state<RotationView | null>(null);
  rotationBusy = $state(false);

  private fail(e: unknown) {
    wizard.error = e as IpcError;
  }

  /** The start banner; also the page's first IPC call, which the benchmark times. */
  async loadWarnings() {
    try {
      this.warnings = await ipc.tokenWarnings();
    } catch (e) {
      this.fail(e);
    }
  }

  async refresh() {
    await wizard.loadProfiles();
    await this.loadWarnings();
  }

  openNew() {
    this.editing = null;
    this.formOpen = true;
  }

  openEdit(p: ProfileView) {
    this.editing = p;
    this.formOpen = true;
  }

  /** Settings first (validated in Rust), then the secret to the keyring, then the JWT expiry. */
  async save(input: ProfileInput, secret: string, expiryMode: ExpiryMode): Promise<boolean> {
    wizard.error = null;
    this.saving = true;
    try {
      let view = await ipc.saveProfileSettings(input);
      if (secret) {
        await ipc.saveSecret(view.id, view.secret_kind, secret);
        // A secret of the other auth style, left from before an auth change, is not needed any more.
        await ipc.deleteSecret(view.id, view.secret_kind === 'token' ? 'client-secret' : 'token');
      }
      if (expiryMode === 'jwt') view = await ipc.expiryFromToken(view.id);
      if (expiryMode === 'vendor') view = await ipc.vendorExpiry(view.id);
      await this.refresh();
      this.editing = view;
      this.formOpen = false;
      return true;
    } catch (e) {
      this.fail(e);
      await this.refresh();
      return false;
    } finally {
      this.saving = false;
    }
  }

  async remove(id: string) {
    wizard.error = null;
    try {
      await ipc.deleteProfile(id);
      this.confirmDelete = null;
      if (this.editing?.id === id) {
        this.editing = null;
        this.formOpen = false;
      }
      if (this.rotationId === id) {
        this.rotationId = '';
        this.rotation = null;
      }
      if (wizard.profileId === id) {
        wizard.tokenSaved = false;
        if (wizard.tokenSource.kind === 'profile') wizard.tokenSource = { kind: 'none' };
      }
      await this.refresh();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Open the rotation screen for a profile (resuming a rotation in progress). */
  async openRotation(id: string) {
    this.rotationId = id;
    this.rotation = null;
    wizard.step = 'rotation';
    if (!id) return;
    try {
      this.rotation = await ipc.rotationStatus(id);
    } catch (e) {
      this.fail(e);
    }
  }

  private async rotate(f: () => Promise<RotationView>) {
    wizard.error = null;
    this.rotationBusy = true;
    try {
      this.rotation = await f();
    } catch (e) {
      this.fail(e);
    } finally {
      this.rotationBusy = false;
    }
  }

  startRotation() {
    return this.rotate(() => ipc.rotationStart(this.rotationId));
  }

  async newSecret(value: string, expiresAt: string): Promise<boolean> {
    await this.rotate(() => ipc.rotationNewSecret(this.rotationId, value, expiresAt || null));
    return wizard.error === null;
  }

  confirm(step: RotationStep) {
    return this.rotate(() => ipc.rotationConfirm(this.rotationId, step));
  }

  async test() {
    await this.rotate(() => ipc.rotationTest(this.rotationId));
    // A pass replaced the token and may have changed the expiry.
    if (this.rotation?.promoted) await this.refresh();
  }

  async cancelRotation() {
    wizard.error = null;
    try {
      await ipc.rotationCancel(this.rotationId);
      this.rotation = null;
    } catch (e) {
      this.fail(e);
    }
  }
}

export const profiles = new Profiles();
