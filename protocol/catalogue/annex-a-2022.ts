// GENERATED from annex-a-2022.json by scripts/gen-catalogue.ts. Do not edit by hand.
import type { AnnexACatalogue } from './types.js';

export const ANNEX_A_2022: AnnexACatalogue = {
  "standard": "ISO/IEC 27001:2022 Annex A (Table A.1) — control IDs, short titles and themes only (no control text)",
  "compiled": "2026-08 (from repository snapshots listed in sources)",
  "mapping_policy": "Proposed mapping (our judgement). primary = check result is direct technical evidence for the control; secondary = contributes. A check is partial evidence: Annex A controls also require policy/process evidence.",
  "licensing_note": "Annex A titles are ISO copyright material; short titles are widely reproduced by GRC tools, but have product/legal review before redistributing them in shipped artefacts. IDs alone are safe to reference.",
  "controls": [
    {
      "id": "5.1",
      "ref": "A.5.1",
      "oscal_id": "a.5.1",
      "theme": "Organizational",
      "title": "Policies for information security",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.5.1.1",
          "title": "Policies for information security"
        },
        {
          "id": "A.5.1.2",
          "title": "Review of the policies for information security"
        }
      ]
    },
    {
      "id": "5.2",
      "ref": "A.5.2",
      "oscal_id": "a.5.2",
      "theme": "Organizational",
      "title": "Information security roles and responsibilities",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.6.1.1",
          "title": "Information security roles and responsibilities"
        }
      ]
    },
    {
      "id": "5.3",
      "ref": "A.5.3",
      "oscal_id": "a.5.3",
      "theme": "Organizational",
      "title": "Segregation of duties",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.6.1.2",
          "title": "Segregation of duties"
        }
      ]
    },
    {
      "id": "5.4",
      "ref": "A.5.4",
      "oscal_id": "a.5.4",
      "theme": "Organizational",
      "title": "Management responsibilities",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.7.2.1",
          "title": "Management responsibilities"
        }
      ]
    },
    {
      "id": "5.5",
      "ref": "A.5.5",
      "oscal_id": "a.5.5",
      "theme": "Organizational",
      "title": "Contact with authorities",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.6.1.3",
          "title": "Contact with authorities"
        }
      ]
    },
    {
      "id": "5.6",
      "ref": "A.5.6",
      "oscal_id": "a.5.6",
      "theme": "Organizational",
      "title": "Contact with special interest groups",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.6.1.4",
          "title": "Contact with special interest groups"
        }
      ]
    },
    {
      "id": "5.7",
      "ref": "A.5.7",
      "oscal_id": "a.5.7",
      "theme": "Organizational",
      "title": "Threat intelligence",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "5.8",
      "ref": "A.5.8",
      "oscal_id": "a.5.8",
      "theme": "Organizational",
      "title": "Information security in project management",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.6.1.5",
          "title": "Information security in project management"
        },
        {
          "id": "A.14.1.1",
          "title": "Information security requirements analysis and specification"
        }
      ]
    },
    {
      "id": "5.9",
      "ref": "A.5.9",
      "oscal_id": "a.5.9",
      "theme": "Organizational",
      "title": "Inventory of information and other associated assets",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.8.1.1",
          "title": "Inventory of assets"
        },
        {
          "id": "A.8.1.2",
          "title": "Ownership of assets"
        }
      ]
    },
    {
      "id": "5.10",
      "ref": "A.5.10",
      "oscal_id": "a.5.10",
      "theme": "Organizational",
      "title": "Acceptable use of information and other associated assets",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.8.1.3",
          "title": "Acceptable use of assets"
        },
        {
          "id": "A.8.2.3",
          "title": "Handling of assets"
        }
      ]
    },
    {
      "id": "5.11",
      "ref": "A.5.11",
      "oscal_id": "a.5.11",
      "theme": "Organizational",
      "title": "Return of assets",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.8.1.4",
          "title": "Return of assets"
        }
      ]
    },
    {
      "id": "5.12",
      "ref": "A.5.12",
      "oscal_id": "a.5.12",
      "theme": "Organizational",
      "title": "Classification of information",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.8.2.1",
          "title": "Classification of information"
        }
      ]
    },
    {
      "id": "5.13",
      "ref": "A.5.13",
      "oscal_id": "a.5.13",
      "theme": "Organizational",
      "title": "Labelling of information",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.8.2.2",
          "title": "Labelling of information"
        }
      ]
    },
    {
      "id": "5.14",
      "ref": "A.5.14",
      "oscal_id": "a.5.14",
      "theme": "Organizational",
      "title": "Information transfer",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.13.2.1",
          "title": "Information transfer policies and procedures"
        },
        {
          "id": "A.13.2.2",
          "title": "Agreements on information transfer"
        },
        {
          "id": "A.13.2.3",
          "title": "Electronic messaging"
        }
      ]
    },
    {
      "id": "5.15",
      "ref": "A.5.15",
      "oscal_id": "a.5.15",
      "theme": "Organizational",
      "title": "Access control",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.1.1",
          "title": "Access control policy"
        },
        {
          "id": "A.9.1.2",
          "title": "Access to networks and network services"
        }
      ]
    },
    {
      "id": "5.16",
      "ref": "A.5.16",
      "oscal_id": "a.5.16",
      "theme": "Organizational",
      "title": "Identity management",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.2.1",
          "title": "User registration and de-registration"
        }
      ]
    },
    {
      "id": "5.17",
      "ref": "A.5.17",
      "oscal_id": "a.5.17",
      "theme": "Organizational",
      "title": "Authentication information",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.2.4",
          "title": "Management of secret authentication information of users"
        },
        {
          "id": "A.9.3.1",
          "title": "Use of secret authentication information"
        },
        {
          "id": "A.9.4.3",
          "title": "Password management system"
        }
      ]
    },
    {
      "id": "5.18",
      "ref": "A.5.18",
      "oscal_id": "a.5.18",
      "theme": "Organizational",
      "title": "Access rights",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.2.2",
          "title": "User access provisioning"
        },
        {
          "id": "A.9.2.5",
          "title": "Review of user access rights"
        },
        {
          "id": "A.9.2.6",
          "title": "Removal or adjustment of access rights"
        }
      ]
    },
    {
      "id": "5.19",
      "ref": "A.5.19",
      "oscal_id": "a.5.19",
      "theme": "Organizational",
      "title": "Information security in supplier relationships",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.15.1.1",
          "title": "Information security policy for supplier relationships"
        }
      ]
    },
    {
      "id": "5.20",
      "ref": "A.5.20",
      "oscal_id": "a.5.20",
      "theme": "Organizational",
      "title": "Addressing information security within supplier agreements",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.15.1.2",
          "title": "Addressing security within supplier agreements"
        }
      ]
    },
    {
      "id": "5.21",
      "ref": "A.5.21",
      "oscal_id": "a.5.21",
      "theme": "Organizational",
      "title": "Managing information security in the information and communication technology (ICT) supply chain",
      "title_27002": "Managing information security in the ICT supply chain",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.15.1.3",
          "title": "Information and communication technology supply chain"
        }
      ]
    },
    {
      "id": "5.22",
      "ref": "A.5.22",
      "oscal_id": "a.5.22",
      "theme": "Organizational",
      "title": "Monitoring, review and change management of supplier services",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.15.2.1",
          "title": "Monitoring and review of supplier services"
        },
        {
          "id": "A.15.2.2",
          "title": "Managing changes to supplier services"
        }
      ]
    },
    {
      "id": "5.23",
      "ref": "A.5.23",
      "oscal_id": "a.5.23",
      "theme": "Organizational",
      "title": "Information security for use of cloud services",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "5.24",
      "ref": "A.5.24",
      "oscal_id": "a.5.24",
      "theme": "Organizational",
      "title": "Information security incident management planning and preparation",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.16.1.1",
          "title": "Responsibilities and procedures"
        }
      ]
    },
    {
      "id": "5.25",
      "ref": "A.5.25",
      "oscal_id": "a.5.25",
      "theme": "Organizational",
      "title": "Assessment and decision on information security events",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.16.1.4",
          "title": "Assessment of and decision on information security events"
        }
      ]
    },
    {
      "id": "5.26",
      "ref": "A.5.26",
      "oscal_id": "a.5.26",
      "theme": "Organizational",
      "title": "Response to information security incidents",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.16.1.5",
          "title": "Response to information security incidents"
        }
      ]
    },
    {
      "id": "5.27",
      "ref": "A.5.27",
      "oscal_id": "a.5.27",
      "theme": "Organizational",
      "title": "Learning from information security incidents",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.16.1.6",
          "title": "Learning from information security incidents"
        }
      ]
    },
    {
      "id": "5.28",
      "ref": "A.5.28",
      "oscal_id": "a.5.28",
      "theme": "Organizational",
      "title": "Collection of evidence",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.16.1.7",
          "title": "Collection of evidence"
        }
      ]
    },
    {
      "id": "5.29",
      "ref": "A.5.29",
      "oscal_id": "a.5.29",
      "theme": "Organizational",
      "title": "Information security during disruption",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.17.1.1",
          "title": "Planning information security continuity"
        },
        {
          "id": "A.17.1.2",
          "title": "Implementing information security continuity"
        },
        {
          "id": "A.17.1.3",
          "title": "Verify, review and evaluate information security continuity"
        }
      ]
    },
    {
      "id": "5.30",
      "ref": "A.5.30",
      "oscal_id": "a.5.30",
      "theme": "Organizational",
      "title": "ICT readiness for business continuity",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "5.31",
      "ref": "A.5.31",
      "oscal_id": "a.5.31",
      "theme": "Organizational",
      "title": "Legal, statutory, regulatory and contractual requirements",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.18.1.1",
          "title": "Identification of applicable legislation and contractual requirements"
        },
        {
          "id": "A.18.1.5",
          "title": "Regulation of cryptographic controls"
        }
      ]
    },
    {
      "id": "5.32",
      "ref": "A.5.32",
      "oscal_id": "a.5.32",
      "theme": "Organizational",
      "title": "Intellectual property rights",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.18.1.2",
          "title": "Intellectual property rights"
        }
      ]
    },
    {
      "id": "5.33",
      "ref": "A.5.33",
      "oscal_id": "a.5.33",
      "theme": "Organizational",
      "title": "Protection of records",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.18.1.3",
          "title": "Protection of records"
        }
      ]
    },
    {
      "id": "5.34",
      "ref": "A.5.34",
      "oscal_id": "a.5.34",
      "theme": "Organizational",
      "title": "Privacy and protection of personal identifiable information (PII)",
      "title_27002": "Privacy and protection of PII",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.18.1.4",
          "title": "Privacy and protection of personally identifiable information"
        }
      ]
    },
    {
      "id": "5.35",
      "ref": "A.5.35",
      "oscal_id": "a.5.35",
      "theme": "Organizational",
      "title": "Independent review of information security",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.18.2.1",
          "title": "Independent review of information security"
        }
      ]
    },
    {
      "id": "5.36",
      "ref": "A.5.36",
      "oscal_id": "a.5.36",
      "theme": "Organizational",
      "title": "Compliance with policies, rules and standards for information security",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.18.2.2",
          "title": "Compliance with security policies and standards"
        },
        {
          "id": "A.18.2.3",
          "title": "Technical compliance review"
        }
      ]
    },
    {
      "id": "5.37",
      "ref": "A.5.37",
      "oscal_id": "a.5.37",
      "theme": "Organizational",
      "title": "Documented operating procedures",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.1.1",
          "title": "Documented operating procedures"
        }
      ]
    },
    {
      "id": "6.1",
      "ref": "A.6.1",
      "oscal_id": "a.6.1",
      "theme": "People",
      "title": "Screening",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.7.1.1",
          "title": "Screening"
        }
      ]
    },
    {
      "id": "6.2",
      "ref": "A.6.2",
      "oscal_id": "a.6.2",
      "theme": "People",
      "title": "Terms and conditions of employment",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.7.1.2",
          "title": "Terms and conditions of employment"
        }
      ]
    },
    {
      "id": "6.3",
      "ref": "A.6.3",
      "oscal_id": "a.6.3",
      "theme": "People",
      "title": "Information security awareness, education and training",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.7.2.2",
          "title": "Information security awareness, education and training"
        }
      ]
    },
    {
      "id": "6.4",
      "ref": "A.6.4",
      "oscal_id": "a.6.4",
      "theme": "People",
      "title": "Disciplinary process",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.7.2.3",
          "title": "Disciplinary process"
        }
      ]
    },
    {
      "id": "6.5",
      "ref": "A.6.5",
      "oscal_id": "a.6.5",
      "theme": "People",
      "title": "Responsibilities after termination or change of employment",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.7.3.1",
          "title": "Termination or change of employment responsibilities"
        }
      ]
    },
    {
      "id": "6.6",
      "ref": "A.6.6",
      "oscal_id": "a.6.6",
      "theme": "People",
      "title": "Confidentiality or non-disclosure agreements",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.13.2.4",
          "title": "Confidentiality or non-disclosure agreements"
        }
      ]
    },
    {
      "id": "6.7",
      "ref": "A.6.7",
      "oscal_id": "a.6.7",
      "theme": "People",
      "title": "Remote working",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.6.2.2",
          "title": "Teleworking"
        }
      ]
    },
    {
      "id": "6.8",
      "ref": "A.6.8",
      "oscal_id": "a.6.8",
      "theme": "People",
      "title": "Information security event reporting",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.16.1.2",
          "title": "Reporting information security events"
        },
        {
          "id": "A.16.1.3",
          "title": "Reporting information security weaknesses"
        }
      ]
    },
    {
      "id": "7.1",
      "ref": "A.7.1",
      "oscal_id": "a.7.1",
      "theme": "Physical",
      "title": "Physical security perimeters",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.1.1",
          "title": "Physical security perimeter"
        }
      ]
    },
    {
      "id": "7.2",
      "ref": "A.7.2",
      "oscal_id": "a.7.2",
      "theme": "Physical",
      "title": "Physical entry",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.1.2",
          "title": "Physical entry controls"
        },
        {
          "id": "A.11.1.6",
          "title": "Delivery and loading areas"
        }
      ]
    },
    {
      "id": "7.3",
      "ref": "A.7.3",
      "oscal_id": "a.7.3",
      "theme": "Physical",
      "title": "Securing offices, rooms and facilities",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.1.3",
          "title": "Securing offices, rooms and facilities"
        }
      ]
    },
    {
      "id": "7.4",
      "ref": "A.7.4",
      "oscal_id": "a.7.4",
      "theme": "Physical",
      "title": "Physical security monitoring",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "7.5",
      "ref": "A.7.5",
      "oscal_id": "a.7.5",
      "theme": "Physical",
      "title": "Protecting against physical and environmental threats",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.1.4",
          "title": "Protecting against external and environmental threats"
        }
      ]
    },
    {
      "id": "7.6",
      "ref": "A.7.6",
      "oscal_id": "a.7.6",
      "theme": "Physical",
      "title": "Working in secure areas",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.1.5",
          "title": "Working in secure areas"
        }
      ]
    },
    {
      "id": "7.7",
      "ref": "A.7.7",
      "oscal_id": "a.7.7",
      "theme": "Physical",
      "title": "Clear desk and clear screen",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.2.9",
          "title": "Clear desk and clear screen policy"
        }
      ]
    },
    {
      "id": "7.8",
      "ref": "A.7.8",
      "oscal_id": "a.7.8",
      "theme": "Physical",
      "title": "Equipment siting and protection",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.2.1",
          "title": "Equipment siting and protection"
        }
      ]
    },
    {
      "id": "7.9",
      "ref": "A.7.9",
      "oscal_id": "a.7.9",
      "theme": "Physical",
      "title": "Security of assets off-premises",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.2.6",
          "title": "Security of equipment and assets off-premises"
        }
      ]
    },
    {
      "id": "7.10",
      "ref": "A.7.10",
      "oscal_id": "a.7.10",
      "theme": "Physical",
      "title": "Storage media",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.8.3.1",
          "title": "Management of removable media"
        },
        {
          "id": "A.8.3.2",
          "title": "Disposal of media"
        },
        {
          "id": "A.8.3.3",
          "title": "Physical media transfer"
        },
        {
          "id": "A.11.2.5",
          "title": "Removal of assets"
        }
      ]
    },
    {
      "id": "7.11",
      "ref": "A.7.11",
      "oscal_id": "a.7.11",
      "theme": "Physical",
      "title": "Supporting utilities",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.2.2",
          "title": "Supporting utilities"
        }
      ]
    },
    {
      "id": "7.12",
      "ref": "A.7.12",
      "oscal_id": "a.7.12",
      "theme": "Physical",
      "title": "Cabling security",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.2.3",
          "title": "Cabling security"
        }
      ]
    },
    {
      "id": "7.13",
      "ref": "A.7.13",
      "oscal_id": "a.7.13",
      "theme": "Physical",
      "title": "Equipment maintenance",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.2.4",
          "title": "Equipment maintenance"
        }
      ]
    },
    {
      "id": "7.14",
      "ref": "A.7.14",
      "oscal_id": "a.7.14",
      "theme": "Physical",
      "title": "Secure disposal or re-use of equipment",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.11.2.7",
          "title": "Secure disposal or reuse of equipment"
        }
      ]
    },
    {
      "id": "8.1",
      "ref": "A.8.1",
      "oscal_id": "a.8.1",
      "theme": "Technological",
      "title": "User end point devices",
      "title_27002": "User endpoint devices",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.6.2.1",
          "title": "Mobile device policy"
        },
        {
          "id": "A.11.2.8",
          "title": "Unattended user equipment"
        }
      ]
    },
    {
      "id": "8.2",
      "ref": "A.8.2",
      "oscal_id": "a.8.2",
      "theme": "Technological",
      "title": "Privileged access rights",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.2.3",
          "title": "Management of privileged access rights"
        }
      ]
    },
    {
      "id": "8.3",
      "ref": "A.8.3",
      "oscal_id": "a.8.3",
      "theme": "Technological",
      "title": "Information access restriction",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.4.1",
          "title": "Information access restriction"
        }
      ]
    },
    {
      "id": "8.4",
      "ref": "A.8.4",
      "oscal_id": "a.8.4",
      "theme": "Technological",
      "title": "Access to source code",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.4.5",
          "title": "Access control to program source code"
        }
      ]
    },
    {
      "id": "8.5",
      "ref": "A.8.5",
      "oscal_id": "a.8.5",
      "theme": "Technological",
      "title": "Secure authentication",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.4.2",
          "title": "Secure log-on procedures"
        }
      ]
    },
    {
      "id": "8.6",
      "ref": "A.8.6",
      "oscal_id": "a.8.6",
      "theme": "Technological",
      "title": "Capacity management",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.1.3",
          "title": "Capacity management"
        }
      ]
    },
    {
      "id": "8.7",
      "ref": "A.8.7",
      "oscal_id": "a.8.7",
      "theme": "Technological",
      "title": "Protection against malware",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.2.1",
          "title": "Controls against malware"
        }
      ]
    },
    {
      "id": "8.8",
      "ref": "A.8.8",
      "oscal_id": "a.8.8",
      "theme": "Technological",
      "title": "Management of technical vulnerabilities",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.6.1",
          "title": "Management of technical vulnerabilities"
        },
        {
          "id": "A.18.2.3",
          "title": "Technical compliance review"
        }
      ]
    },
    {
      "id": "8.9",
      "ref": "A.8.9",
      "oscal_id": "a.8.9",
      "theme": "Technological",
      "title": "Configuration management",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "8.10",
      "ref": "A.8.10",
      "oscal_id": "a.8.10",
      "theme": "Technological",
      "title": "Information deletion",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "8.11",
      "ref": "A.8.11",
      "oscal_id": "a.8.11",
      "theme": "Technological",
      "title": "Data masking",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "8.12",
      "ref": "A.8.12",
      "oscal_id": "a.8.12",
      "theme": "Technological",
      "title": "Data leakage prevention",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "8.13",
      "ref": "A.8.13",
      "oscal_id": "a.8.13",
      "theme": "Technological",
      "title": "Information backup",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.3.1",
          "title": "Information backup"
        }
      ]
    },
    {
      "id": "8.14",
      "ref": "A.8.14",
      "oscal_id": "a.8.14",
      "theme": "Technological",
      "title": "Redundancy of information processing facilities",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.17.2.1",
          "title": "Availability of information processing facilities"
        }
      ]
    },
    {
      "id": "8.15",
      "ref": "A.8.15",
      "oscal_id": "a.8.15",
      "theme": "Technological",
      "title": "Logging",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.4.1",
          "title": "Event logging"
        },
        {
          "id": "A.12.4.2",
          "title": "Protection of log information"
        },
        {
          "id": "A.12.4.3",
          "title": "Administrator and operator logs"
        }
      ]
    },
    {
      "id": "8.16",
      "ref": "A.8.16",
      "oscal_id": "a.8.16",
      "theme": "Technological",
      "title": "Monitoring activities",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "8.17",
      "ref": "A.8.17",
      "oscal_id": "a.8.17",
      "theme": "Technological",
      "title": "Clock synchronization",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.4.4",
          "title": "Clock synchronisation"
        }
      ]
    },
    {
      "id": "8.18",
      "ref": "A.8.18",
      "oscal_id": "a.8.18",
      "theme": "Technological",
      "title": "Use of privileged utility programs",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.9.4.4",
          "title": "Use of privileged utility programs"
        }
      ]
    },
    {
      "id": "8.19",
      "ref": "A.8.19",
      "oscal_id": "a.8.19",
      "theme": "Technological",
      "title": "Installation of software on operational systems",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.5.1",
          "title": "Installation of software on operational systems"
        },
        {
          "id": "A.12.6.2",
          "title": "Restrictions on software installation"
        }
      ]
    },
    {
      "id": "8.20",
      "ref": "A.8.20",
      "oscal_id": "a.8.20",
      "theme": "Technological",
      "title": "Networks security",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.13.1.1",
          "title": "Network controls"
        }
      ]
    },
    {
      "id": "8.21",
      "ref": "A.8.21",
      "oscal_id": "a.8.21",
      "theme": "Technological",
      "title": "Security of network services",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.13.1.2",
          "title": "Security of network services"
        }
      ]
    },
    {
      "id": "8.22",
      "ref": "A.8.22",
      "oscal_id": "a.8.22",
      "theme": "Technological",
      "title": "Segregation of networks",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.13.1.3",
          "title": "Segregation in networks"
        }
      ]
    },
    {
      "id": "8.23",
      "ref": "A.8.23",
      "oscal_id": "a.8.23",
      "theme": "Technological",
      "title": "Web filtering",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "8.24",
      "ref": "A.8.24",
      "oscal_id": "a.8.24",
      "theme": "Technological",
      "title": "Use of cryptography",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.10.1.1",
          "title": "Policy on the use of cryptographic controls"
        },
        {
          "id": "A.10.1.2",
          "title": "Key management"
        }
      ]
    },
    {
      "id": "8.25",
      "ref": "A.8.25",
      "oscal_id": "a.8.25",
      "theme": "Technological",
      "title": "Secure development life cycle",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.14.2.1",
          "title": "Secure development policy"
        }
      ]
    },
    {
      "id": "8.26",
      "ref": "A.8.26",
      "oscal_id": "a.8.26",
      "theme": "Technological",
      "title": "Application security requirements",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.14.1.2",
          "title": "Securing application services on public networks"
        },
        {
          "id": "A.14.1.3",
          "title": "Protecting application services transactions"
        }
      ]
    },
    {
      "id": "8.27",
      "ref": "A.8.27",
      "oscal_id": "a.8.27",
      "theme": "Technological",
      "title": "Secure system architecture and engineering principles",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.14.2.5",
          "title": "Secure system engineering principles"
        }
      ]
    },
    {
      "id": "8.28",
      "ref": "A.8.28",
      "oscal_id": "a.8.28",
      "theme": "Technological",
      "title": "Secure coding",
      "new_in_2022": true,
      "iso27001_2013": []
    },
    {
      "id": "8.29",
      "ref": "A.8.29",
      "oscal_id": "a.8.29",
      "theme": "Technological",
      "title": "Security testing in development and acceptance",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.14.2.8",
          "title": "System security testing"
        },
        {
          "id": "A.14.2.9",
          "title": "System acceptance testing"
        }
      ]
    },
    {
      "id": "8.30",
      "ref": "A.8.30",
      "oscal_id": "a.8.30",
      "theme": "Technological",
      "title": "Outsourced development",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.14.2.7",
          "title": "Outsourced development"
        }
      ]
    },
    {
      "id": "8.31",
      "ref": "A.8.31",
      "oscal_id": "a.8.31",
      "theme": "Technological",
      "title": "Separation of development, test and production environments",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.1.4",
          "title": "Separation of development, testing and operational environments"
        },
        {
          "id": "A.14.2.6",
          "title": "Secure development environment"
        }
      ]
    },
    {
      "id": "8.32",
      "ref": "A.8.32",
      "oscal_id": "a.8.32",
      "theme": "Technological",
      "title": "Change management",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.1.2",
          "title": "Change management"
        },
        {
          "id": "A.14.2.2",
          "title": "System change control procedures"
        },
        {
          "id": "A.14.2.3",
          "title": "Technical review of applications after operating platform changes"
        },
        {
          "id": "A.14.2.4",
          "title": "Restrictions on changes to software packages"
        }
      ]
    },
    {
      "id": "8.33",
      "ref": "A.8.33",
      "oscal_id": "a.8.33",
      "theme": "Technological",
      "title": "Test information",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.14.3.1",
          "title": "Protection of test data"
        }
      ]
    },
    {
      "id": "8.34",
      "ref": "A.8.34",
      "oscal_id": "a.8.34",
      "theme": "Technological",
      "title": "Protection of information systems during audit testing",
      "new_in_2022": false,
      "iso27001_2013": [
        {
          "id": "A.12.7.1",
          "title": "Information systems audit controls"
        }
      ]
    }
  ],
  "endpoint_check_mappings": [
    {
      "id": "disk_encryption",
      "name": "Full-disk / volume encryption",
      "evidence": "BitLocker/FileVault/LUKS status per fixed volume, algorithm, protector type (TPM), recovery-key escrow present",
      "iso27001_2022": {
        "primary": [
          "8.1",
          "8.24"
        ],
        "secondary": [
          "7.9",
          "7.10",
          "5.33"
        ],
        "rationale": "Encryption of endpoint storage is the core technical measure for 8.1; 8.24 covers algorithm choice and key (recovery key) management."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.312(a)(2)(iv)",
          "title": "Encryption and decryption (A)"
        },
        {
          "cite": "45 CFR 164.310(d)(1)",
          "title": "Device and media controls (standard)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "SC-28",
          "title": "Protection of Information at Rest"
        },
        {
          "id": "SC-28(1)",
          "title": "Cryptographic Protection"
        },
        {
          "id": "SC-13",
          "title": "Cryptographic Protection"
        },
        {
          "id": "SC-12",
          "title": "Cryptographic Key Establishment and Management"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "3.6",
          "title": "Encrypt Data on End-User Devices",
          "ig": "IG1"
        },
        {
          "id": "3.11",
          "title": "Encrypt Sensitive Data At Rest",
          "ig": "IG2"
        }
      ],
      "mds2_2019": [
        "STCF-1",
        "STCF-2"
      ],
      "notes": "NIST OLIR maps SC-28 to 5.10/5.33 and SC-13/SC-12 to 8.24; NIST SP 800-66r2 CPRT maps 164.312(a)(2)(iv) to SC-13. Encryption per NIST SP 800-111 also supports the breach \"unsecured PHI\" safe harbor (45 CFR 164.402 + HHS guidance)."
    },
    {
      "id": "patch_level",
      "name": "OS / application patch currency",
      "evidence": "installed build/KB/package versions vs latest, pending reboot, days since last update, auto-update setting",
      "iso27001_2022": {
        "primary": [
          "8.8"
        ],
        "secondary": [
          "8.19",
          "8.32",
          "8.1"
        ],
        "rationale": "8.8 requires timely remediation of technical vulnerabilities; patch level is direct evidence."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(B)",
          "title": "Risk management (R)"
        },
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(A)",
          "title": "Risk analysis (R)"
        },
        {
          "cite": "45 CFR 164.308(a)(5)(ii)(B)",
          "title": "Protection from malicious software (A)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "SI-2",
          "title": "Flaw Remediation"
        },
        {
          "id": "SI-2(2)",
          "title": "Automated Flaw Remediation Status"
        },
        {
          "id": "RA-5",
          "title": "Vulnerability Monitoring and Scanning"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "7.3",
          "title": "Perform Automated Operating System Patch Management",
          "ig": "IG1"
        },
        {
          "id": "7.4",
          "title": "Perform Automated Application Patch Management",
          "ig": "IG1"
        },
        {
          "id": "7.1",
          "title": "Establish and Maintain a Vulnerability Management Process",
          "ig": "IG1"
        },
        {
          "id": "7.7",
          "title": "Remediate Detected Vulnerabilities",
          "ig": "IG2"
        }
      ],
      "mds2_2019": [
        "CSUP-2",
        "CSUP-7",
        "CSUP-8",
        "CSUP-11"
      ],
      "notes": "NIST OLIR: SI-2 -> 8.8, 8.32, 6.8. HIPAA has no patch-specific citation; risk management is the usual anchor."
    },
    {
      "id": "firewall",
      "name": "Host firewall",
      "evidence": "firewall enabled for every profile/zone, default inbound action = block, rule count/allow-any rules",
      "iso27001_2022": {
        "primary": [
          "8.20",
          "8.1"
        ],
        "secondary": [
          "8.22",
          "8.9"
        ],
        "rationale": "Host firewall is a network-security control applied on the endpoint itself."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.312(a)(1)",
          "title": "Access control (standard)"
        },
        {
          "cite": "45 CFR 164.312(e)(1)",
          "title": "Transmission security (standard)"
        },
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(B)",
          "title": "Risk management (R)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "SC-7",
          "title": "Boundary Protection"
        },
        {
          "id": "SC-7(12)",
          "title": "Host-based Protection"
        },
        {
          "id": "CM-7",
          "title": "Least Functionality"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "4.5",
          "title": "Implement and Manage a Firewall on End-User Devices",
          "ig": "IG1"
        },
        {
          "id": "4.4",
          "title": "Implement and Manage a Firewall on Servers",
          "ig": "IG1"
        }
      ],
      "mds2_2019": [
        "NAUT-2",
        "NAUT-2.1"
      ],
      "notes": "Wazuh SCA (CIS Win11) tags firewall-state checks hipaa 164.312(e)(1), 164.312(b) and nist_800_53 SC-7."
    },
    {
      "id": "mdm_enrollment",
      "name": "MDM enrollment / management state",
      "evidence": "MDM enrollment record (server, profile IDs, last check-in), compliance state, remote lock/wipe capability",
      "iso27001_2022": {
        "primary": [
          "8.1",
          "5.9"
        ],
        "secondary": [
          "8.9",
          "6.7",
          "7.9",
          "8.10"
        ],
        "rationale": "Managed endpoints are the mechanism for enforcing 8.1 rules and keeping the 5.9 inventory current."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.310(d)(1)",
          "title": "Device and media controls (standard)"
        },
        {
          "cite": "45 CFR 164.310(d)(2)(iii)",
          "title": "Accountability (A)"
        },
        {
          "cite": "45 CFR 164.310(b)",
          "title": "Workstation use (standard)"
        },
        {
          "cite": "45 CFR 164.310(c)",
          "title": "Workstation security (standard)"
        },
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(A)",
          "title": "Risk analysis (R)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "CM-8",
          "title": "System Component Inventory"
        },
        {
          "id": "AC-19",
          "title": "Access Control for Mobile Devices"
        },
        {
          "id": "CM-2",
          "title": "Baseline Configuration"
        },
        {
          "id": "CM-6",
          "title": "Configuration Settings"
        },
        {
          "id": "AC-7(2)",
          "title": "Purge or Wipe Mobile Device"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "1.1",
          "title": "Establish and Maintain Detailed Enterprise Asset Inventory",
          "ig": "IG1"
        },
        {
          "id": "4.1",
          "title": "Establish and Maintain a Secure Configuration Process",
          "ig": "IG1"
        },
        {
          "id": "4.6",
          "title": "Securely Manage Enterprise Assets and Software",
          "ig": "IG1"
        },
        {
          "id": "4.11",
          "title": "Enforce Remote Wipe Capability on Portable End-User Devices",
          "ig": "IG2"
        }
      ],
      "mds2_2019": [],
      "notes": "intuitem CIS->ISO mapping: 4.11 -> 8.1, 8.10; 1.1 -> 5.9, 8.8."
    },
    {
      "id": "antivirus_edr",
      "name": "Anti-malware / EDR",
      "evidence": "product present + service running, real-time protection on, signature/engine age, tamper protection, last check-in to console",
      "iso27001_2022": {
        "primary": [
          "8.7"
        ],
        "secondary": [
          "8.16",
          "8.1"
        ],
        "rationale": "8.7 is the malware control; EDR telemetry and alerting additionally evidences 8.16 monitoring."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.308(a)(5)(ii)(B)",
          "title": "Protection from malicious software (A)"
        },
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(D)",
          "title": "Information system activity review (R)"
        },
        {
          "cite": "45 CFR 164.308(a)(6)(ii)",
          "title": "Response and reporting (R)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "SI-3",
          "title": "Malicious Code Protection"
        },
        {
          "id": "SI-4",
          "title": "System Monitoring"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "10.1",
          "title": "Deploy and Maintain Anti-Malware Software",
          "ig": "IG1"
        },
        {
          "id": "10.2",
          "title": "Configure Automatic Anti-Malware Signature Updates",
          "ig": "IG1"
        },
        {
          "id": "10.7",
          "title": "Use Behavior-Based Anti-Malware Software",
          "ig": "IG2"
        },
        {
          "id": "13.7",
          "title": "Deploy a Host-Based Intrusion Prevention Solution",
          "ig": "IG3"
        }
      ],
      "mds2_2019": [
        "MLDP-2",
        "MLDP-4",
        "MLDP-5",
        "CSUP-4"
      ],
      "notes": "NIST SP 800-66r2 CPRT maps 164.308(a)(5)(ii)(B) only to AT-2/AT-3 (training); technical malware evidence is SI-3."
    },
    {
      "id": "screen_lock",
      "name": "Screen lock / inactivity timeout",
      "evidence": "inactivity timeout seconds, password-on-wake, lock-screen content hiding; compare to policy (CIS: <=15 min desktop, <=2 min mobile)",
      "iso27001_2022": {
        "primary": [
          "8.1",
          "7.7"
        ],
        "secondary": [
          "8.5"
        ],
        "rationale": "7.7 explicitly covers clear-screen rules; session lock is an 8.1 endpoint measure."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.312(a)(2)(iii)",
          "title": "Automatic logoff (A)"
        },
        {
          "cite": "45 CFR 164.310(b)",
          "title": "Workstation use (standard)"
        },
        {
          "cite": "45 CFR 164.310(c)",
          "title": "Workstation security (standard)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "AC-11",
          "title": "Device Lock"
        },
        {
          "id": "AC-11(1)",
          "title": "Pattern-hiding Displays"
        },
        {
          "id": "AC-12",
          "title": "Session Termination"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "4.3",
          "title": "Configure Automatic Session Locking on Enterprise Assets",
          "ig": "IG1"
        },
        {
          "id": "4.10",
          "title": "Enforce Automatic Device Lockout on Portable End-User Devices",
          "ig": "IG2"
        }
      ],
      "mds2_2019": [
        "ALOF-1",
        "ALOF-2"
      ],
      "notes": "NIST OLIR: AC-11 -> 7.7, 8.1. NIST CPRT maps Automatic logoff -> AC-12. intuitem maps CIS 4.3 -> 8.5, 8.9."
    },
    {
      "id": "os_eol",
      "name": "OS end-of-life / vendor support",
      "evidence": "OS product + version + build vs vendor lifecycle data (end of security support date)",
      "iso27001_2022": {
        "primary": [
          "8.8"
        ],
        "secondary": [
          "5.9",
          "8.19"
        ],
        "rationale": "An unsupported OS cannot receive fixes, so vulnerability management (8.8) is not achievable without compensating controls."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(A)",
          "title": "Risk analysis (R)"
        },
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(B)",
          "title": "Risk management (R)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "SA-22",
          "title": "Unsupported System Components"
        },
        {
          "id": "SI-2",
          "title": "Flaw Remediation"
        },
        {
          "id": "CM-8",
          "title": "System Component Inventory"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "2.2",
          "title": "Ensure Authorized Software is Currently Supported",
          "ig": "IG1"
        }
      ],
      "mds2_2019": [
        "RDMP-3",
        "RDMP-4"
      ],
      "notes": "SA-22 has no entry in the NIST OLIR 800-53 -> 27001:2022 mapping; 8.8 is an interpretive mapping."
    },
    {
      "id": "time_sync",
      "name": "Time synchronization",
      "evidence": "time service enabled, configured sources (authorized list), last sync, current offset vs threshold",
      "iso27001_2022": {
        "primary": [
          "8.17"
        ],
        "secondary": [
          "8.15"
        ],
        "rationale": "8.17 requires clocks synchronized to approved time sources; accurate time underpins log evidence (8.15)."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.312(b)",
          "title": "Audit controls (standard)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "AU-8",
          "title": "Time Stamps"
        },
        {
          "id": "SC-45",
          "title": "System Time Synchronization"
        },
        {
          "id": "SC-45(1)",
          "title": "Synchronization with Authoritative Time Source"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "8.4",
          "title": "Standardize Time Synchronization",
          "ig": "IG2"
        }
      ],
      "mds2_2019": [
        "AUDT-4.1.1"
      ],
      "notes": "Rev. 5 withdrew AU-8(1) into SC-45(1). NIST OLIR: AU-8 -> 8.17; intuitem: CIS 8.4 -> 8.17 (equal). HIPAA link is indirect (supports audit controls)."
    },
    {
      "id": "audit_logging",
      "name": "Security audit logging",
      "evidence": "audit policy/auditd rules enabled for logon, privilege use, policy change; log size/retention; forwarding to SIEM healthy",
      "iso27001_2022": {
        "primary": [
          "8.15"
        ],
        "secondary": [
          "8.16",
          "5.28",
          "8.17"
        ],
        "rationale": "8.15 requires logs to be produced, stored, protected and analysed."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.312(b)",
          "title": "Audit controls (standard)"
        },
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(D)",
          "title": "Information system activity review (R)"
        },
        {
          "cite": "45 CFR 164.308(a)(5)(ii)(C)",
          "title": "Log-in monitoring (A)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "AU-2",
          "title": "Event Logging"
        },
        {
          "id": "AU-3",
          "title": "Content of Audit Records"
        },
        {
          "id": "AU-6",
          "title": "Audit Record Review, Analysis, and Reporting"
        },
        {
          "id": "AU-9",
          "title": "Protection of Audit Information"
        },
        {
          "id": "AU-11",
          "title": "Audit Record Retention"
        },
        {
          "id": "AU-12",
          "title": "Audit Record Generation"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "8.2",
          "title": "Collect Audit Logs",
          "ig": "IG1"
        },
        {
          "id": "8.5",
          "title": "Collect Detailed Audit Logs",
          "ig": "IG2"
        },
        {
          "id": "8.9",
          "title": "Centralize Audit Logs",
          "ig": "IG2"
        }
      ],
      "mds2_2019": [
        "AUDT-1",
        "AUDT-2",
        "AUDT-5",
        "AUDT-7"
      ],
      "notes": "Wazuh rules tag auth events hipaa_164.312.b, nist_800_53_AU.14, AC.7 (ruleset group tags)."
    },
    {
      "id": "local_admins",
      "name": "Local administrator accounts",
      "evidence": "members of local Administrators/sudo/wheel, built-in admin enabled/renamed, LAPS/rotation present, unexpected or shared admin accounts",
      "iso27001_2022": {
        "primary": [
          "8.2"
        ],
        "secondary": [
          "5.15",
          "5.18",
          "5.16"
        ],
        "rationale": "8.2 restricts and manages allocation of privileged access rights."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.308(a)(4)(ii)(B)",
          "title": "Access authorization (A)"
        },
        {
          "cite": "45 CFR 164.308(a)(4)(ii)(C)",
          "title": "Access establishment and modification (A)"
        },
        {
          "cite": "45 CFR 164.312(a)(1)",
          "title": "Access control (standard)"
        },
        {
          "cite": "45 CFR 164.312(a)(2)(i)",
          "title": "Unique user identification (R)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "AC-2",
          "title": "Account Management"
        },
        {
          "id": "AC-6",
          "title": "Least Privilege"
        },
        {
          "id": "AC-6(5)",
          "title": "Privileged Accounts"
        },
        {
          "id": "AC-6(7)",
          "title": "Review of User Privileges"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "5.4",
          "title": "Restrict Administrator Privileges to Dedicated Administrator Accounts",
          "ig": "IG1"
        },
        {
          "id": "4.7",
          "title": "Manage Default Accounts on Enterprise Assets and Software",
          "ig": "IG1"
        },
        {
          "id": "5.1",
          "title": "Establish and Maintain an Inventory of Accounts",
          "ig": "IG1"
        },
        {
          "id": "5.3",
          "title": "Disable Dormant Accounts",
          "ig": "IG1"
        }
      ],
      "mds2_2019": [
        "AUTH-3",
        "PAUT-4",
        "SAHD-6"
      ],
      "notes": "NIST OLIR: AC-6 -> 5.15, 8.2, 8.18; AC-2 -> 5.16, 5.18, 8.2."
    },
    {
      "id": "usb_storage",
      "name": "Removable storage control",
      "evidence": "USB mass-storage policy (blocked/read-only/encrypted-only), autorun/autoplay disabled, removable-media scanning",
      "iso27001_2022": {
        "primary": [
          "7.10"
        ],
        "secondary": [
          "8.12",
          "8.7",
          "8.1"
        ],
        "rationale": "7.10 governs storage media through its lifecycle; blocking exfiltration paths also evidences 8.12."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.310(d)(1)",
          "title": "Device and media controls (standard)"
        },
        {
          "cite": "45 CFR 164.308(a)(5)(ii)(B)",
          "title": "Protection from malicious software (A)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "MP-7",
          "title": "Media Use"
        },
        {
          "id": "SC-41",
          "title": "Port and I/O Device Access"
        },
        {
          "id": "MP-2",
          "title": "Media Access"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "10.3",
          "title": "Disable Autorun and Autoplay for Removable Media",
          "ig": "IG1"
        },
        {
          "id": "10.4",
          "title": "Configure Automatic Anti-Malware Scanning of Removable Media",
          "ig": "IG2"
        },
        {
          "id": "3.9",
          "title": "Encrypt Data on Removable Media",
          "ig": "IG2"
        }
      ],
      "mds2_2019": [
        "MPII-3.3",
        "CONN-1.2.2",
        "PLOK-4"
      ],
      "notes": "NIST OLIR: MP-7 -> 5.10, 7.10; SC-41 not mapped. Wazuh tags \"Turn off Autoplay\" hipaa 164.310(d)(1)."
    },
    {
      "id": "remote_access",
      "name": "Remote access hardening (RDP/SSH/VNC/vendor tools)",
      "evidence": "RDP NLA+TLS, SSH PasswordAuthentication/PermitRootLogin, allowed source ranges, MFA/keys, idle timeout, remote-support tools present",
      "iso27001_2022": {
        "primary": [
          "8.5",
          "8.20"
        ],
        "secondary": [
          "6.7",
          "8.21",
          "8.24",
          "8.2"
        ],
        "rationale": "Remote administration paths need secure authentication (8.5) and protected network services (8.20/8.21)."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.312(d)",
          "title": "Person or entity authentication (standard)"
        },
        {
          "cite": "45 CFR 164.312(e)(1)",
          "title": "Transmission security (standard)"
        },
        {
          "cite": "45 CFR 164.312(e)(2)(ii)",
          "title": "Encryption (A)"
        },
        {
          "cite": "45 CFR 164.312(a)(1)",
          "title": "Access control (standard)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "AC-17",
          "title": "Remote Access"
        },
        {
          "id": "AC-17(2)",
          "title": "Protection of Confidentiality and Integrity Using Encryption"
        },
        {
          "id": "IA-2(1)",
          "title": "Multi-factor Authentication to Privileged Accounts"
        },
        {
          "id": "IA-2(2)",
          "title": "Multi-factor Authentication to Non-privileged Accounts"
        },
        {
          "id": "SC-8",
          "title": "Transmission Confidentiality and Integrity"
        },
        {
          "id": "CM-7",
          "title": "Least Functionality"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "6.4",
          "title": "Require MFA for Remote Network Access",
          "ig": "IG1"
        },
        {
          "id": "6.5",
          "title": "Require MFA for Administrative Access",
          "ig": "IG1"
        },
        {
          "id": "4.8",
          "title": "Uninstall or Disable Unnecessary Services on Enterprise Assets and Software",
          "ig": "IG2"
        },
        {
          "id": "13.5",
          "title": "Manage Access Control for Remote Assets",
          "ig": "IG2"
        }
      ],
      "mds2_2019": [
        "RMOT-1",
        "PAUT-8",
        "TXCF-2",
        "NAUT-1"
      ],
      "notes": "NIST OLIR: AC-17 -> 5.14, 6.7; SC-8 -> 5.10, 5.14, 5.33, 8.20, 8.26."
    },
    {
      "id": "secure_boot",
      "name": "Secure Boot / boot integrity",
      "evidence": "UEFI Secure Boot state, TPM present/enabled, measured-boot log or VBS/HVCI state, boot from removable media disabled",
      "iso27001_2022": {
        "primary": [
          "8.9",
          "8.7"
        ],
        "secondary": [
          "8.1",
          "8.19"
        ],
        "rationale": "No Annex A control names boot integrity; it is evidenced as a hardened configuration (8.9) that blocks bootkits (8.7). Interpretive mapping."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.312(c)(1)",
          "title": "Integrity (standard)"
        },
        {
          "cite": "45 CFR 164.308(a)(5)(ii)(B)",
          "title": "Protection from malicious software (A)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "SI-7",
          "title": "Software, Firmware, and Information Integrity"
        },
        {
          "id": "SI-7(9)",
          "title": "Verify Boot Process"
        },
        {
          "id": "SI-7(10)",
          "title": "Protection of Boot Firmware"
        },
        {
          "id": "CM-14",
          "title": "Signed Components"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "4.1",
          "title": "Establish and Maintain a Secure Configuration Process",
          "ig": "IG1"
        }
      ],
      "mds2_2019": [
        "SAHD-3",
        "SAHD-11",
        "SAHD-15"
      ],
      "notes": "CIS v8 has no boot-integrity safeguard (4.1 nearest). Wazuh maps the CIS \"Secure Boot\" VBS check to SI-3/SI-4/AU-12 (coarse). SI-7 family absent from NIST OLIR -> 27001:2022."
    },
    {
      "id": "listening_services",
      "name": "Listening services on medical-device gateway",
      "evidence": "listening TCP/UDP sockets with owning process, bind address, TLS on/off; diff vs approved port/protocol allowlist (e.g. DICOM 104/2762, HL7 MLLP 2575)",
      "iso27001_2022": {
        "primary": [
          "8.20",
          "8.9",
          "8.22"
        ],
        "secondary": [
          "8.21",
          "8.16",
          "5.9"
        ],
        "rationale": "Only approved services should be exposed (least functionality, 8.9) and the gateway network path must be secured/segregated (8.20/8.22)."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(A)",
          "title": "Risk analysis (R)"
        },
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(B)",
          "title": "Risk management (R)"
        },
        {
          "cite": "45 CFR 164.312(e)(1)",
          "title": "Transmission security (standard)"
        },
        {
          "cite": "45 CFR 164.312(a)(1)",
          "title": "Access control (standard)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "CM-7",
          "title": "Least Functionality"
        },
        {
          "id": "CM-7(1)",
          "title": "Periodic Review"
        },
        {
          "id": "SC-7",
          "title": "Boundary Protection"
        },
        {
          "id": "CM-6",
          "title": "Configuration Settings"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "4.8",
          "title": "Uninstall or Disable Unnecessary Services on Enterprise Assets and Software",
          "ig": "IG2"
        },
        {
          "id": "4.4",
          "title": "Implement and Manage a Firewall on Servers",
          "ig": "IG1"
        }
      ],
      "mds2_2019": [
        "SAHD-7",
        "SAHD-8",
        "SAHD-9",
        "CONN-2",
        "NAUT-2",
        "TXCF-2"
      ],
      "notes": "NIST OLIR: CM-7 -> 8.19; SC-7 -> 5.14, 8.16, 8.20, 8.22, 8.23; CM-6 -> 8.9. Compare against the manufacturer MDS2 CONN-2 port list."
    },
    {
      "id": "neighbour_inventory",
      "name": "Passive inventory of the devices behind a gateway",
      "evidence": "the gateway's neighbour (ARP/NDP) table and DHCP leases: IP, MAC, vendor from the IEEE OUI registry, state, interface; new and vanished devices between attestations. Read passively: no scanning",
      "iso27001_2022": {
        "primary": [
          "5.9"
        ],
        "secondary": [
          "8.20",
          "8.22"
        ],
        "rationale": "Devices that cannot run an agent still belong in the asset inventory (5.9); seeing which devices sit behind which gateway evidences the network's segregation and security (8.20/8.22)."
      },
      "hipaa_security_rule": [
        {
          "cite": "45 CFR 164.310(d)(2)(iii)",
          "title": "Accountability (A)"
        },
        {
          "cite": "45 CFR 164.308(a)(1)(ii)(A)",
          "title": "Risk analysis (R)"
        }
      ],
      "nist_800_53_r5": [
        {
          "id": "CM-8",
          "title": "System Component Inventory"
        },
        {
          "id": "CM-8(3)",
          "title": "Automated Unauthorized Component Detection"
        }
      ],
      "cis_controls_v8": [
        {
          "id": "1.1",
          "title": "Establish and Maintain Detailed Enterprise Asset Inventory",
          "ig": "IG1"
        },
        {
          "id": "1.5",
          "title": "Use a Passive Asset Discovery Tool",
          "ig": "IG3"
        }
      ],
      "notes": "NIST OLIR: CM-8 -> 5.9, 8.9. Passive discovery only (CIS 1.5), never active scanning of clinical networks."
    }
  ]
};
