export interface AnnexAControl {
  id: string;
  ref: string;
  oscal_id: string;
  theme: 'Organizational' | 'People' | 'Physical' | 'Technological' | string;
  title: string;
  title_27002?: string;
  new_in_2022: boolean;
  iso27001_2013: { id: string; title: string }[];
}

export interface CheckMapping {
  id: string;
  name: string;
  evidence: string;
  iso27001_2022: { primary: string[]; secondary: string[]; rationale: string };
  hipaa_security_rule: { cite: string; title: string }[];
  nist_800_53_r5: { id: string; title: string }[];
  cis_controls_v8: { id: string; title: string; ig: string }[];
  mds2_2019?: string[];
  notes?: string;
}

export interface AnnexACatalogue {
  standard: unknown;
  compiled: unknown;
  mapping_policy: unknown;
  licensing_note: unknown;
  controls: AnnexAControl[];
  endpoint_check_mappings: CheckMapping[];
}

/** One support cycle of an operating system in the lifecycle catalogue (os-lifecycle.json). */
export interface LifecycleEntry {
  family: string;
  /** Human label, e.g. "Windows 11 23H2 Enterprise/Education", "Ubuntu 22.04 LTS". */
  cycle: string;
  match: {
    /** Version prefixes ("22.04", "12", "9"): facts.version equals one or starts with it plus ".". */
    versions?: string[];
    /** Windows: major build numbers (19045, 22631, 20348…). */
    builds?: number[];
    /** The edition must contain one of these (case-insensitive)… */
    editionIncludes?: string[];
    /** …and none of these. */
    editionExcludes?: string[];
  };
  released?: string;
  /** End of regular security support (ISO date); null for rolling releases. */
  eol: string | null;
  /** End of paid or extended support (ESU, ESM, LTSS, ELS), when it exists. */
  extendedEol?: string;
  extendedName?: string;
  /** Id of an entry in sources. */
  source: string;
  note?: string;
}

export interface LifecycleCatalogue {
  compiled: string;
  sources: { id: string; title: string; url: string }[];
  entries: LifecycleEntry[];
}
