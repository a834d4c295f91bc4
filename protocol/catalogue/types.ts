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
