// GENERATED from os-lifecycle.json by scripts/gen-catalogue.ts. Do not edit by hand.
import type { LifecycleCatalogue } from './types.js';

export const OS_LIFECYCLE: LifecycleCatalogue = {
  "compiled": "2026-11-23",
  "sources": [
    {
      "id": "microsoft",
      "title": "Microsoft Lifecycle Policy",
      "url": "https://learn.microsoft.com/lifecycle/products/"
    },
    {
      "id": "ubuntu",
      "title": "Ubuntu release cycle",
      "url": "https://ubuntu.com/about/release-cycle"
    },
    {
      "id": "debian",
      "title": "Debian releases and LTS",
      "url": "https://wiki.debian.org/LTS"
    }
  ],
  "entries": [
    {
      "family": "windows",
      "cycle": "Windows 10 22H2 Home/Pro",
      "match": {
        "builds": [
          19045
        ],
        "editionExcludes": [
          "Enterprise",
          "Education",
          "IoT",
          "LTSC",
          "LTSB"
        ]
      },
      "released": "2022-10-18",
      "eol": "2025-10-14",
      "extendedEol": "2026-10-13",
      "extendedName": "ESU",
      "source": "microsoft"
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 22.04 LTS",
      "match": {
        "versions": [
          "22.04"
        ]
      },
      "released": "2022-04-21",
      "eol": "2027-06-01",
      "extendedEol": "2032-04-01",
      "extendedName": "ESM",
      "source": "ubuntu"
    },
    {
      "family": "debian",
      "cycle": "Debian 12 bookworm",
      "match": {
        "versions": [
          "12"
        ]
      },
      "released": "2023-06-10",
      "eol": "2026-06-10",
      "extendedEol": "2028-06-30",
      "extendedName": "LTS",
      "source": "debian"
    }
  ]
};
