// The hand-off from the Attribute mapping screen to Provision on demand: the planner's
// resulting overrides (the same TOML text `preflight check --mapping FILE` reads) and the
// dialect it was planned for. The mapping screen fills it and switches to the Provision step;
// that step shows it, sends it with the run, and can clear it.

class MappingHandoff {
  /** Overrides as TOML text (`remove = [...]`, `[add]`), or null when none are handed over. */
  overrides = $state<string | null>(null);
  /** The dialect id the plan was made for (e.g. `entra-default`), or null. */
  dialect = $state<string | null>(null);

  set(overrides: string, dialect: string | null) {
    this.overrides = overrides;
    this.dialect = dialect;
  }

  clear() {
    this.overrides = null;
    this.dialect = null;
  }
}

export const mappingHandoff = new MappingHandoff();
