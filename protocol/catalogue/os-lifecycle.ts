// GENERATED from os-lifecycle.json by scripts/gen-catalogue.ts. Do not edit by hand.
import type { LifecycleCatalogue } from './types.js';

export const OS_LIFECYCLE: LifecycleCatalogue = {
  "compiled": "2026-11-23",
  "sources": [
    {
      "id": "ms-lifecycle",
      "title": "Microsoft Lifecycle Policy: product lifecycle pages (Windows 7/8.1/10/11, LTSC/LTSB, IoT Enterprise LTSC, Windows Server)",
      "url": "https://learn.microsoft.com/lifecycle/products/"
    },
    {
      "id": "ms-win10-release-info",
      "title": "Windows 10 release information: end of servicing by version and edition",
      "url": "https://learn.microsoft.com/windows/release-health/release-information"
    },
    {
      "id": "ms-win11-release-info",
      "title": "Windows 11 release information: end of servicing by version and edition",
      "url": "https://learn.microsoft.com/windows/release-health/windows11-release-information"
    },
    {
      "id": "ms-win10-esu",
      "title": "Extended Security Updates (ESU) program for Windows 10 (organizations, up to three years)",
      "url": "https://learn.microsoft.com/windows/whats-new/extended-security-updates"
    },
    {
      "id": "ms-win10-consumer-esu",
      "title": "Windows 10 Consumer Extended Security Updates",
      "url": "https://www.microsoft.com/windows/extended-security-updates"
    },
    {
      "id": "ms-server-esu",
      "title": "Extended Security Updates for Windows Server 2008/2008 R2 and 2012/2012 R2",
      "url": "https://learn.microsoft.com/windows-server/get-started/extended-security-updates-overview"
    },
    {
      "id": "apple-security-releases",
      "title": "Apple security releases",
      "url": "https://support.apple.com/en-us/100100"
    },
    {
      "id": "ubuntu-release-cycle",
      "title": "Ubuntu lifecycle and release cadence",
      "url": "https://ubuntu.com/about/release-cycle"
    },
    {
      "id": "distro-info-ubuntu",
      "title": "distro-info-data: ubuntu.csv (day-exact Ubuntu release and end dates)",
      "url": "https://salsa.debian.org/debian/distro-info-data/-/blob/main/ubuntu.csv"
    },
    {
      "id": "endoflife-ubuntu",
      "title": "endoflife.date: Ubuntu",
      "url": "https://endoflife.date/ubuntu"
    },
    {
      "id": "debian-lts",
      "title": "Debian Long Term Support (LTS) schedule",
      "url": "https://wiki.debian.org/LTS"
    },
    {
      "id": "endoflife-debian",
      "title": "endoflife.date: Debian (security support and LTS end dates)",
      "url": "https://endoflife.date/debian"
    },
    {
      "id": "redhat-lifecycle",
      "title": "Red Hat Enterprise Linux Life Cycle",
      "url": "https://access.redhat.com/support/policy/updates/errata"
    },
    {
      "id": "rocky-versions",
      "title": "Rocky Linux release and version guide",
      "url": "https://wiki.rockylinux.org/rocky/version/"
    },
    {
      "id": "almalinux-releases",
      "title": "AlmaLinux OS release notes and lifecycle",
      "url": "https://wiki.almalinux.org/release-notes/"
    },
    {
      "id": "endoflife-centos",
      "title": "endoflife.date: CentOS Linux",
      "url": "https://endoflife.date/centos"
    },
    {
      "id": "endoflife-centos-stream",
      "title": "endoflife.date: CentOS Stream",
      "url": "https://endoflife.date/centos-stream"
    },
    {
      "id": "suse-lifecycle",
      "title": "SUSE Product Support Lifecycle (SUSE Linux Enterprise Server)",
      "url": "https://www.suse.com/lifecycle/"
    },
    {
      "id": "suse-sp6-ltss",
      "title": "SUSE blog: SLES 15 SP6 general support ended December 2025, LTSS through December 2028",
      "url": "https://www.suse.com/c/sles-15-sp6-ltss-2026-support-gap"
    },
    {
      "id": "opensuse-lifetime",
      "title": "openSUSE Lifetime",
      "url": "https://en.opensuse.org/Lifetime"
    },
    {
      "id": "aws-al2-faq",
      "title": "Amazon Linux 2 FAQs (end of support)",
      "url": "https://aws.amazon.com/amazon-linux-2/faqs/"
    },
    {
      "id": "aws-al2023-cadence",
      "title": "Amazon Linux 2023 User Guide: release cadence",
      "url": "https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html"
    },
    {
      "id": "fedora-lifecycle",
      "title": "Fedora Linux release life cycle",
      "url": "https://docs.fedoraproject.org/en-US/releases/lifecycle/"
    },
    {
      "id": "endoflife-fedora",
      "title": "endoflife.date: Fedora Linux",
      "url": "https://endoflife.date/fedora"
    },
    {
      "id": "alpine-releases",
      "title": "Alpine Linux releases",
      "url": "https://alpinelinux.org/releases/"
    }
  ],
  "entries": [
    {
      "family": "windows",
      "cycle": "Windows 11 26H1 Enterprise/Education/IoT Enterprise",
      "match": {
        "builds": [
          28000
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2026-02-10",
      "eol": "2029-03-13",
      "source": "ms-win11-release-info",
      "note": "Hardware-specific release (build 28000) for new devices only; not offered as an update to 24H2/25H2."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 26H1 Home/Pro",
      "match": {
        "builds": [
          28000
        ]
      },
      "released": "2026-02-10",
      "eol": "2028-03-14",
      "source": "ms-win11-release-info",
      "note": "Hardware-specific release (build 28000) for new devices only. Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 26H2 Enterprise/Education/IoT Enterprise",
      "match": {
        "builds": [
          26300
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2026-09-29",
      "eol": "2029-10-09",
      "source": "ms-win11-release-info",
      "note": "Not verified: derived from the 36-month Enterprise/Education servicing rule (GA 2026-09-29, second Tuesday of October 2029); the Home/Pro date (24 months) was confirmed."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 26H2 Home/Pro",
      "match": {
        "builds": [
          26300
        ]
      },
      "released": "2026-09-29",
      "eol": "2028-10-10",
      "source": "ms-win11-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 25H2 Enterprise/Education/IoT Enterprise",
      "match": {
        "builds": [
          26200
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2025-09-30",
      "eol": "2028-10-10",
      "source": "ms-win11-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 11 25H2 Home/Pro",
      "match": {
        "builds": [
          26200
        ]
      },
      "released": "2025-09-30",
      "eol": "2027-10-12",
      "source": "ms-win11-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 IoT Enterprise LTSC 2024",
      "match": {
        "builds": [
          26100
        ],
        "editionIncludes": [
          "IoT Enterprise LTSC",
          "IoTEnterpriseS"
        ]
      },
      "released": "2024-10-01",
      "eol": "2034-10-10",
      "source": "ms-lifecycle",
      "note": "Mainstream support ends 2029-10-09; security updates continue to the end of extended support."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 Enterprise LTSC 2024",
      "match": {
        "builds": [
          26100
        ],
        "editionIncludes": [
          "LTSC",
          "LTSB",
          "EnterpriseS"
        ]
      },
      "released": "2024-10-01",
      "eol": "2029-10-09",
      "source": "ms-lifecycle",
      "note": "Five-year fixed lifecycle (no extended phase)."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 24H2 Enterprise/Education/IoT Enterprise",
      "match": {
        "builds": [
          26100
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2024-10-01",
      "eol": "2027-10-12",
      "source": "ms-win11-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 11 24H2 Home/Pro",
      "match": {
        "builds": [
          26100
        ]
      },
      "released": "2024-10-01",
      "eol": "2026-10-13",
      "source": "ms-win11-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 23H2 Enterprise/Education/IoT Enterprise",
      "match": {
        "builds": [
          22631
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2023-10-31",
      "eol": "2026-11-10",
      "source": "ms-win11-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 11 23H2 Home/Pro",
      "match": {
        "builds": [
          22631
        ]
      },
      "released": "2023-10-31",
      "eol": "2025-11-11",
      "source": "ms-win11-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 22H2 Enterprise/Education/IoT Enterprise",
      "match": {
        "builds": [
          22621
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2022-09-20",
      "eol": "2025-10-14",
      "source": "ms-win11-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 11 22H2 Home/Pro",
      "match": {
        "builds": [
          22621
        ]
      },
      "released": "2022-09-20",
      "eol": "2024-10-08",
      "source": "ms-win11-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 11 21H2 Enterprise/Education/IoT Enterprise",
      "match": {
        "builds": [
          22000
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2021-10-04",
      "eol": "2024-10-08",
      "source": "ms-win11-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 11 21H2 Home/Pro",
      "match": {
        "builds": [
          22000
        ]
      },
      "released": "2021-10-04",
      "eol": "2023-10-10",
      "source": "ms-win11-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 22H2 Home",
      "match": {
        "builds": [
          19045
        ],
        "editionIncludes": [
          "Home",
          "Core"
        ]
      },
      "released": "2022-10-18",
      "eol": "2025-10-14",
      "extendedEol": "2027-10-12",
      "extendedName": "consumer ESU",
      "source": "ms-win10-consumer-esu",
      "note": "Consumer ESU originally ran to 2026-10-13; Microsoft extended it to 2027-10-12 in June 2026. Home (EditionID Core) devices are covered by the consumer programme."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 22H2 Pro/Enterprise/Education",
      "match": {
        "builds": [
          19045
        ]
      },
      "released": "2022-10-18",
      "eol": "2025-10-14",
      "extendedEol": "2028-10-10",
      "extendedName": "ESU",
      "source": "ms-win10-esu",
      "note": "All Windows 10 editions ended 2025-10-14. Commercial ESU is bought per year for up to three years (year 1 to 2026-10-13, year 2 to 2027-10-12, year 3 to 2028-10-10); also matches when the edition is not reported."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 IoT Enterprise LTSC 2021",
      "match": {
        "builds": [
          19044
        ],
        "editionIncludes": [
          "IoT Enterprise LTSC",
          "IoTEnterpriseS"
        ]
      },
      "released": "2021-11-16",
      "eol": "2032-01-13",
      "source": "ms-lifecycle",
      "note": "Mainstream support ends 2027-01-12; security updates continue to the end of extended support."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 Enterprise LTSC 2021",
      "match": {
        "builds": [
          19044
        ],
        "editionIncludes": [
          "LTSC",
          "LTSB",
          "EnterpriseS"
        ]
      },
      "released": "2021-11-16",
      "eol": "2027-01-12",
      "source": "ms-lifecycle",
      "note": "Five-year fixed lifecycle (no extended phase); only IoT Enterprise LTSC 2021 runs to 2032."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 21H2 Enterprise/Education",
      "match": {
        "builds": [
          19044
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2021-11-16",
      "eol": "2024-06-11",
      "source": "ms-win10-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 10 21H2 Home/Pro",
      "match": {
        "builds": [
          19044
        ]
      },
      "released": "2021-11-16",
      "eol": "2023-06-13",
      "source": "ms-win10-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 20H2 Enterprise/Education",
      "match": {
        "builds": [
          19042
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2020-10-20",
      "eol": "2023-05-09",
      "source": "ms-win10-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 10 20H2 Home/Pro",
      "match": {
        "builds": [
          19042
        ]
      },
      "released": "2020-10-20",
      "eol": "2022-05-10",
      "source": "ms-win10-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 21H1",
      "match": {
        "builds": [
          19043
        ]
      },
      "released": "2021-05-18",
      "eol": "2022-12-13",
      "source": "ms-win10-release-info",
      "note": "Home/Pro and Enterprise/Education ended on the same day."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 2004",
      "match": {
        "builds": [
          19041
        ]
      },
      "released": "2020-05-27",
      "eol": "2021-12-14",
      "source": "ms-win10-release-info",
      "note": "Home/Pro and Enterprise/Education ended on the same day."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1909 Enterprise/Education",
      "match": {
        "builds": [
          18363
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2019-11-12",
      "eol": "2022-05-10",
      "source": "ms-win10-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1909 Home/Pro",
      "match": {
        "builds": [
          18363
        ]
      },
      "released": "2019-11-12",
      "eol": "2021-05-11",
      "source": "ms-win10-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1903",
      "match": {
        "builds": [
          18362
        ]
      },
      "released": "2019-05-21",
      "eol": "2020-12-08",
      "source": "ms-win10-release-info",
      "note": "Home/Pro and Enterprise/Education ended on the same day."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 Enterprise LTSC 2019",
      "match": {
        "builds": [
          17763
        ],
        "editionIncludes": [
          "LTSC",
          "LTSB",
          "EnterpriseS"
        ]
      },
      "released": "2018-11-13",
      "eol": "2029-01-09",
      "source": "ms-lifecycle",
      "note": "Includes IoT Enterprise LTSC 2019 (same dates). Mainstream support ended 2024-01-09; security updates continue to the end of extended support."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1809 Enterprise/Education",
      "match": {
        "builds": [
          17763
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2018-11-13",
      "eol": "2021-05-11",
      "source": "ms-win10-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1809 Home/Pro",
      "match": {
        "builds": [
          17763
        ]
      },
      "released": "2018-11-13",
      "eol": "2020-11-10",
      "source": "ms-win10-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1803 Enterprise/Education",
      "match": {
        "builds": [
          17134
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2018-04-30",
      "eol": "2021-05-11",
      "source": "ms-win10-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1803 Home/Pro",
      "match": {
        "builds": [
          17134
        ]
      },
      "released": "2018-04-30",
      "eol": "2019-11-12",
      "source": "ms-win10-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1709 Enterprise/Education",
      "match": {
        "builds": [
          16299
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2017-10-17",
      "eol": "2020-10-13",
      "source": "ms-win10-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1709 Home/Pro",
      "match": {
        "builds": [
          16299
        ]
      },
      "released": "2017-10-17",
      "eol": "2019-04-09",
      "source": "ms-win10-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1703 Enterprise/Education",
      "match": {
        "builds": [
          15063
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2017-04-11",
      "eol": "2019-10-08",
      "source": "ms-win10-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1703 Home/Pro",
      "match": {
        "builds": [
          15063
        ]
      },
      "released": "2017-04-11",
      "eol": "2018-10-09",
      "source": "ms-win10-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 Enterprise LTSB 2016",
      "match": {
        "builds": [
          14393
        ],
        "editionIncludes": [
          "LTSC",
          "LTSB",
          "EnterpriseS"
        ]
      },
      "released": "2016-08-02",
      "eol": "2026-10-13",
      "source": "ms-lifecycle",
      "note": "Includes IoT Enterprise LTSB 2016 (same dates). Mainstream support ended 2021-10-12."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1607 Enterprise/Education",
      "match": {
        "builds": [
          14393
        ],
        "editionIncludes": [
          "Enterprise",
          "Education"
        ],
        "editionExcludes": [
          "Pro Education",
          "ProfessionalEducation"
        ]
      },
      "released": "2016-08-02",
      "eol": "2019-04-09",
      "source": "ms-win10-release-info"
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1607 Home/Pro",
      "match": {
        "builds": [
          14393
        ]
      },
      "released": "2016-08-02",
      "eol": "2018-04-10",
      "source": "ms-win10-release-info",
      "note": "Home, Pro, Pro Education and Pro for Workstations; also matches when the edition is not reported (the shorter timeline)."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1511",
      "match": {
        "builds": [
          10586
        ]
      },
      "released": "2015-11-10",
      "eol": "2017-10-10",
      "source": "ms-win10-release-info",
      "note": "Home/Pro and Enterprise/Education ended on the same day."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 Enterprise LTSB 2015",
      "match": {
        "builds": [
          10240
        ],
        "editionIncludes": [
          "LTSC",
          "LTSB",
          "EnterpriseS"
        ]
      },
      "released": "2015-07-29",
      "eol": "2025-10-14",
      "source": "ms-lifecycle",
      "note": "Includes IoT Enterprise LTSB 2015 (same dates). Mainstream support ended 2020-10-13."
    },
    {
      "family": "windows",
      "cycle": "Windows 10 1507",
      "match": {
        "builds": [
          10240
        ]
      },
      "released": "2015-07-29",
      "eol": "2017-05-09",
      "source": "ms-win10-release-info",
      "note": "Home/Pro and Enterprise/Education ended on the same day."
    },
    {
      "family": "windows",
      "cycle": "Windows 8.1",
      "match": {
        "builds": [
          9600
        ]
      },
      "released": "2013-11-13",
      "eol": "2023-01-10",
      "source": "ms-lifecycle",
      "note": "No ESU was offered for Windows 8.1."
    },
    {
      "family": "windows",
      "cycle": "Windows 8",
      "match": {
        "builds": [
          9200
        ]
      },
      "released": "2012-10-30",
      "eol": "2016-01-12",
      "source": "ms-lifecycle"
    },
    {
      "family": "windows",
      "cycle": "Windows 7 SP1",
      "match": {
        "builds": [
          7601
        ]
      },
      "released": "2011-02-22",
      "eol": "2020-01-14",
      "extendedEol": "2023-01-10",
      "extendedName": "ESU",
      "source": "ms-lifecycle",
      "note": "Windows Embedded 7 variants (Standard 7, POSReady 7) had later dates and are not modelled separately."
    },
    {
      "family": "windows-server",
      "cycle": "Windows Server 2025",
      "match": {
        "builds": [
          26100
        ]
      },
      "released": "2024-11-01",
      "eol": "2034-11-14",
      "source": "ms-lifecycle",
      "note": "Mainstream support ends 2029-11-13; eol is the end of extended support (security updates)."
    },
    {
      "family": "windows-server",
      "cycle": "Windows Server 2022",
      "match": {
        "builds": [
          20348
        ]
      },
      "released": "2021-08-18",
      "eol": "2031-10-14",
      "source": "ms-lifecycle",
      "note": "Mainstream support ended 2026-10-13; eol is the end of extended support (security updates)."
    },
    {
      "family": "windows-server",
      "cycle": "Windows Server 2019",
      "match": {
        "builds": [
          17763
        ]
      },
      "released": "2018-11-13",
      "eol": "2029-01-09",
      "source": "ms-lifecycle",
      "note": "Mainstream support ended 2024-01-09. Semi-Annual Channel Windows Server 1809 shares this build and ended 2020-11-10; it cannot be told apart by build."
    },
    {
      "family": "windows-server",
      "cycle": "Windows Server 2016",
      "match": {
        "builds": [
          14393
        ]
      },
      "released": "2016-10-15",
      "eol": "2027-01-12",
      "source": "ms-lifecycle",
      "note": "Mainstream support ended 2022-01-11."
    },
    {
      "family": "windows-server",
      "cycle": "Windows Server 2012 R2",
      "match": {
        "builds": [
          9600
        ]
      },
      "released": "2013-11-25",
      "eol": "2023-10-10",
      "extendedEol": "2026-10-13",
      "extendedName": "ESU",
      "source": "ms-server-esu",
      "note": "ESU (paid, or free in Azure/Azure Arc) for up to three years after end of support."
    },
    {
      "family": "windows-server",
      "cycle": "Windows Server 2012",
      "match": {
        "builds": [
          9200
        ]
      },
      "released": "2012-10-30",
      "eol": "2023-10-10",
      "extendedEol": "2026-10-13",
      "extendedName": "ESU",
      "source": "ms-server-esu",
      "note": "ESU (paid, or free in Azure/Azure Arc) for up to three years after end of support."
    },
    {
      "family": "windows-server",
      "cycle": "Windows Server 2008 R2",
      "match": {
        "builds": [
          7601
        ]
      },
      "released": "2009-10-22",
      "eol": "2020-01-14",
      "extendedEol": "2023-01-10",
      "extendedName": "ESU",
      "source": "ms-server-esu",
      "note": "A fourth ESU year to 2024-01-09 was offered only in Azure."
    },
    {
      "family": "windows-server",
      "cycle": "Windows Server 2008",
      "match": {
        "builds": [
          6002,
          6003
        ]
      },
      "released": "2008-05-06",
      "eol": "2020-01-14",
      "extendedEol": "2023-01-10",
      "extendedName": "ESU",
      "source": "ms-server-esu",
      "note": "SP2 (build 6002, 6003 after the 2019 servicing change). A fourth ESU year to 2024-01-09 was offered only in Azure."
    },
    {
      "family": "macos",
      "cycle": "macOS 27",
      "match": {
        "versions": [
          "27"
        ]
      },
      "released": "2026-09-15",
      "eol": "2029-09-15",
      "source": "apple-security-releases",
      "note": "Estimate: Apple publishes no end-of-support dates; by the common practice that Apple patches the current and the two previous major versions, it is supported until macOS 30 ships (expected September 2029). The macOS 27 release date (about mid-September 2026) was not verified in the sources consulted."
    },
    {
      "family": "macos",
      "cycle": "macOS 26 Tahoe",
      "match": {
        "versions": [
          "26"
        ]
      },
      "released": "2025-09-15",
      "eol": "2028-09-15",
      "source": "apple-security-releases",
      "note": "Estimate: Apple publishes no end-of-support dates; by the common practice that Apple patches the current and the two previous major versions, it is supported until macOS 29 ships (expected September 2028)."
    },
    {
      "family": "macos",
      "cycle": "macOS 15 Sequoia",
      "match": {
        "versions": [
          "15"
        ]
      },
      "released": "2024-09-16",
      "eol": "2027-09-15",
      "source": "apple-security-releases",
      "note": "Estimate: Apple publishes no end-of-support dates; by the common practice that Apple patches the current and the two previous major versions, it is supported until macOS 28 ships (expected September 2027)."
    },
    {
      "family": "macos",
      "cycle": "macOS 14 Sonoma",
      "match": {
        "versions": [
          "14"
        ]
      },
      "released": "2023-09-26",
      "eol": "2026-09-15",
      "source": "apple-security-releases",
      "note": "Estimate: Apple publishes no end-of-support dates; by the common practice that Apple patches the current and the two previous major versions, Sonoma dropped out when macOS 27 shipped (expected mid-September 2026). Not verified: neither the macOS 27 release date nor the date of Sonoma's final security update (14.8.x) could be confirmed in the sources consulted."
    },
    {
      "family": "macos",
      "cycle": "macOS 13 Ventura",
      "match": {
        "versions": [
          "13"
        ]
      },
      "released": "2022-10-24",
      "eol": "2025-08-20",
      "source": "apple-security-releases",
      "note": "Date of the last security update, macOS Ventura 13.7.8, released together with macOS 15.6.1 (the day, 2025-08-20, was not confirmed in the sources consulted); Ventura dropped out when macOS 26 shipped on 2025-09-15."
    },
    {
      "family": "macos",
      "cycle": "macOS 12 Monterey",
      "match": {
        "versions": [
          "12"
        ]
      },
      "released": "2021-10-25",
      "eol": "2024-07-29",
      "source": "apple-security-releases",
      "note": "Date of the last security update, macOS Monterey 12.7.6; Monterey dropped out when macOS 15 shipped on 2024-09-16."
    },
    {
      "family": "macos",
      "cycle": "macOS 11 Big Sur",
      "match": {
        "versions": [
          "11"
        ]
      },
      "released": "2020-11-12",
      "eol": "2023-09-11",
      "source": "apple-security-releases",
      "note": "Date of the last security update, macOS Big Sur 11.7.10; Big Sur dropped out when macOS 14 shipped on 2023-09-26."
    },
    {
      "family": "macos",
      "cycle": "macOS 10.15 Catalina",
      "match": {
        "versions": [
          "10.15"
        ]
      },
      "released": "2019-10-07",
      "eol": "2022-07-20",
      "source": "apple-security-releases",
      "note": "Date of the last security update, Catalina Security Update 2022-005 (about 2022-07-20; the exact day was not verified)."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 26.10",
      "match": {
        "versions": [
          "26.10"
        ]
      },
      "released": "2026-10-15",
      "eol": "2027-07-15",
      "source": "ubuntu-release-cycle",
      "note": "Not verified: interim releases get 9 months of support; release on 2026-10-15 was the published plan, and the end date is an estimate (July 2027)."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 26.04 LTS",
      "match": {
        "versions": [
          "26.04"
        ]
      },
      "released": "2026-04-23",
      "eol": "2031-04-30",
      "extendedEol": "2036-04-30",
      "extendedName": "ESM",
      "source": "endoflife-ubuntu",
      "note": "Canonical publishes month-level dates (standard support to April 2031, ESM to April 2036, Legacy add-on to April 2038); one secondary source gives June 2031 for standard support, so the earliest is used."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 25.10",
      "match": {
        "versions": [
          "25.10"
        ]
      },
      "released": "2025-10-09",
      "eol": "2026-07-01",
      "source": "endoflife-ubuntu",
      "note": "Interim release (9 months); month-level date, exact day not verified."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 25.04",
      "match": {
        "versions": [
          "25.04"
        ]
      },
      "released": "2025-04-17",
      "eol": "2026-01-17",
      "source": "endoflife-ubuntu",
      "note": "Interim release (9 months); month-level date, exact day not verified."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 24.10",
      "match": {
        "versions": [
          "24.10"
        ]
      },
      "released": "2024-10-10",
      "eol": "2025-07-10",
      "source": "endoflife-ubuntu",
      "note": "Interim release (9 months)."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 24.04 LTS",
      "match": {
        "versions": [
          "24.04"
        ]
      },
      "released": "2024-04-25",
      "eol": "2029-05-31",
      "extendedEol": "2034-04-25",
      "extendedName": "ESM",
      "source": "distro-info-ubuntu",
      "note": "Legacy add-on extends to April 2036."
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
      "extendedEol": "2032-04-21",
      "extendedName": "ESM",
      "source": "distro-info-ubuntu",
      "note": "ubuntu.com gives June 2027 / April 2032; Legacy add-on extends to April 2034."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 20.04 LTS",
      "match": {
        "versions": [
          "20.04"
        ]
      },
      "released": "2020-04-23",
      "eol": "2025-05-29",
      "extendedEol": "2030-04-23",
      "extendedName": "ESM",
      "source": "distro-info-ubuntu",
      "note": "Legacy add-on extends to April 2032."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 18.04 LTS",
      "match": {
        "versions": [
          "18.04"
        ]
      },
      "released": "2018-04-26",
      "eol": "2023-05-31",
      "extendedEol": "2028-04-26",
      "extendedName": "ESM",
      "source": "distro-info-ubuntu",
      "note": "Legacy add-on extends to April 2030."
    },
    {
      "family": "ubuntu",
      "cycle": "Ubuntu 16.04 LTS",
      "match": {
        "versions": [
          "16.04"
        ]
      },
      "released": "2016-04-21",
      "eol": "2021-04-30",
      "extendedEol": "2026-04-23",
      "extendedName": "ESM",
      "source": "distro-info-ubuntu",
      "note": "Legacy add-on extends to April 2028."
    },
    {
      "family": "debian",
      "cycle": "Debian 13 trixie",
      "match": {
        "versions": [
          "13"
        ]
      },
      "released": "2025-08-09",
      "eol": "2028-08-09",
      "extendedEol": "2030-06-30",
      "extendedName": "LTS",
      "source": "debian-lts",
      "note": "Estimate: regular security support is planned for three years (until about a year after Debian 14); LTS end as announced."
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
      "source": "debian-lts",
      "note": "One secondary source gives 2026-07-11 for the end of regular security support; the Debian announcement of 2024 gives 2026-06-10."
    },
    {
      "family": "debian",
      "cycle": "Debian 11 bullseye",
      "match": {
        "versions": [
          "11"
        ]
      },
      "released": "2021-08-14",
      "eol": "2024-08-14",
      "extendedEol": "2026-08-31",
      "extendedName": "LTS",
      "source": "debian-lts"
    },
    {
      "family": "debian",
      "cycle": "Debian 10 buster",
      "match": {
        "versions": [
          "10"
        ]
      },
      "released": "2019-07-06",
      "eol": "2022-09-10",
      "extendedEol": "2024-06-30",
      "extendedName": "LTS",
      "source": "endoflife-debian",
      "note": "Security support ended with the final point release 10.13 on 2022-09-10 (LTS had taken over in August 2022). Extended LTS (Freexian, commercial) is not counted."
    },
    {
      "family": "debian",
      "cycle": "Debian 9 stretch",
      "match": {
        "versions": [
          "9"
        ]
      },
      "released": "2017-06-17",
      "eol": "2020-07-06",
      "extendedEol": "2022-06-30",
      "extendedName": "LTS",
      "source": "debian-lts",
      "note": "Extended LTS (Freexian, commercial) is not counted."
    },
    {
      "family": "rhel",
      "cycle": "Red Hat Enterprise Linux 10",
      "match": {
        "versions": [
          "10"
        ]
      },
      "released": "2025-05-20",
      "eol": "2035-05-31",
      "extendedEol": "2038-05-31",
      "extendedName": "ELS",
      "source": "redhat-lifecycle",
      "note": "Full support ends 2030-05-31. The ELS end date follows the three-year ELS pattern and was not verified in the sources consulted."
    },
    {
      "family": "rhel",
      "cycle": "Red Hat Enterprise Linux 9",
      "match": {
        "versions": [
          "9"
        ]
      },
      "released": "2022-05-18",
      "eol": "2032-05-31",
      "extendedEol": "2035-05-31",
      "extendedName": "ELS",
      "source": "redhat-lifecycle",
      "note": "Full support ends 2027-05-31. Minor releases outside EUS stop receiving fixes when the next minor ships; not modelled."
    },
    {
      "family": "rhel",
      "cycle": "Red Hat Enterprise Linux 8",
      "match": {
        "versions": [
          "8"
        ]
      },
      "released": "2019-05-07",
      "eol": "2029-05-31",
      "extendedEol": "2032-05-31",
      "extendedName": "ELS",
      "source": "redhat-lifecycle",
      "note": "Full support ended 2024-05-31."
    },
    {
      "family": "rhel",
      "cycle": "Red Hat Enterprise Linux 7",
      "match": {
        "versions": [
          "7"
        ]
      },
      "released": "2014-06-10",
      "eol": "2024-06-30",
      "extendedEol": "2028-06-30",
      "extendedName": "ELS",
      "source": "redhat-lifecycle",
      "note": "Maintenance Support 2 ended 2024-06-30; ELS add-on to 2028-06-30."
    },
    {
      "family": "rocky",
      "cycle": "Rocky Linux 10",
      "match": {
        "versions": [
          "10"
        ]
      },
      "released": "2025-06-11",
      "eol": "2035-05-31",
      "source": "rocky-versions",
      "note": "Not verified: end of life follows RHEL 10 maintenance support; the Rocky 10 dates were not confirmed in the sources consulted. Only the latest minor release is supported."
    },
    {
      "family": "rocky",
      "cycle": "Rocky Linux 9",
      "match": {
        "versions": [
          "9"
        ]
      },
      "released": "2022-07-14",
      "eol": "2032-05-31",
      "source": "rocky-versions",
      "note": "Active support ends 2027-05-31. Only the latest minor release receives updates."
    },
    {
      "family": "rocky",
      "cycle": "Rocky Linux 8",
      "match": {
        "versions": [
          "8"
        ]
      },
      "released": "2021-05-01",
      "eol": "2029-05-31",
      "source": "rocky-versions",
      "note": "Active support ended 2024-05-31. Only the latest minor release receives updates."
    },
    {
      "family": "almalinux",
      "cycle": "AlmaLinux OS 10",
      "match": {
        "versions": [
          "10"
        ]
      },
      "released": "2025-05-27",
      "eol": "2035-05-31",
      "source": "almalinux-releases",
      "note": "Active support ends 2030-05-31. Only the latest minor release receives updates."
    },
    {
      "family": "almalinux",
      "cycle": "AlmaLinux OS 9",
      "match": {
        "versions": [
          "9"
        ]
      },
      "released": "2022-05-26",
      "eol": "2032-05-31",
      "source": "almalinux-releases",
      "note": "Active support ends 2027-05-31. Only the latest minor release receives updates."
    },
    {
      "family": "almalinux",
      "cycle": "AlmaLinux OS 8",
      "match": {
        "versions": [
          "8"
        ]
      },
      "released": "2021-03-30",
      "eol": "2029-03-01",
      "source": "almalinux-releases",
      "note": "Active support ended 2024-05-01. Only the latest minor release receives updates."
    },
    {
      "family": "centos",
      "cycle": "CentOS Stream 10",
      "match": {
        "versions": [
          "10"
        ]
      },
      "released": "2024-12-12",
      "eol": "2030-01-01",
      "source": "endoflife-centos-stream",
      "note": "Estimate: CentOS Stream ends when the matching RHEL leaves full support (expected around 2030); not verified."
    },
    {
      "family": "centos",
      "cycle": "CentOS Stream 9",
      "match": {
        "versions": [
          "9"
        ]
      },
      "released": "2021-09-15",
      "eol": "2027-05-31",
      "source": "endoflife-centos-stream",
      "note": "Ends with RHEL 9 full support. There is no CentOS Linux 9."
    },
    {
      "family": "centos",
      "cycle": "CentOS Stream 8",
      "match": {
        "versions": [
          "8"
        ],
        "editionIncludes": [
          "Stream"
        ]
      },
      "released": "2019-09-24",
      "eol": "2024-05-31",
      "source": "endoflife-centos-stream",
      "note": "Needs \"Stream\" in the reported edition (os-release NAME); otherwise version 8 matches CentOS Linux 8, which has also ended."
    },
    {
      "family": "centos",
      "cycle": "CentOS Linux 8",
      "match": {
        "versions": [
          "8"
        ]
      },
      "released": "2019-09-24",
      "eol": "2021-12-31",
      "source": "endoflife-centos"
    },
    {
      "family": "centos",
      "cycle": "CentOS Linux 7",
      "match": {
        "versions": [
          "7"
        ]
      },
      "released": "2014-07-07",
      "eol": "2024-06-30",
      "source": "endoflife-centos"
    },
    {
      "family": "sles",
      "cycle": "SUSE Linux Enterprise Server 15 SP7",
      "match": {
        "versions": [
          "15.7"
        ]
      },
      "released": "2025-06-17",
      "eol": "2031-07-31",
      "extendedEol": "2034-07-31",
      "extendedName": "LTSS",
      "source": "suse-lifecycle",
      "note": "Not verified: last SP of SLES 15, general support to the end of the SLES 15 lifecycle (July 2031) and LTSS three years beyond, as recalled from the SUSE lifecycle page; not confirmed in the stored copies consulted."
    },
    {
      "family": "sles",
      "cycle": "SUSE Linux Enterprise Server 15 SP6",
      "match": {
        "versions": [
          "15.6"
        ]
      },
      "released": "2024-06-26",
      "eol": "2025-12-31",
      "extendedEol": "2028-12-31",
      "extendedName": "LTSS",
      "source": "suse-sp6-ltss"
    },
    {
      "family": "sles",
      "cycle": "SUSE Linux Enterprise Server 15 SP5",
      "match": {
        "versions": [
          "15.5"
        ]
      },
      "released": "2023-06-20",
      "eol": "2024-12-31",
      "extendedEol": "2027-12-31",
      "extendedName": "LTSS",
      "source": "suse-lifecycle"
    },
    {
      "family": "sles",
      "cycle": "SUSE Linux Enterprise Server 15 SP4",
      "match": {
        "versions": [
          "15.4"
        ]
      },
      "released": "2022-06-21",
      "eol": "2023-12-31",
      "extendedEol": "2026-12-31",
      "extendedName": "LTSS",
      "source": "suse-lifecycle"
    },
    {
      "family": "sles",
      "cycle": "SUSE Linux Enterprise Server 12 SP5",
      "match": {
        "versions": [
          "12.5"
        ]
      },
      "released": "2019-12-09",
      "eol": "2024-10-31",
      "extendedEol": "2027-10-31",
      "extendedName": "LTSS",
      "source": "suse-lifecycle"
    },
    {
      "family": "opensuse-leap",
      "cycle": "openSUSE Leap 16.0",
      "match": {
        "versions": [
          "16.0"
        ]
      },
      "released": "2025-10-01",
      "eol": "2027-10-31",
      "source": "opensuse-lifetime",
      "note": "Estimate: Leap 16 releases get 24 months of community support; the exact end date was not published in the sources consulted."
    },
    {
      "family": "opensuse-leap",
      "cycle": "openSUSE Leap 15.6",
      "match": {
        "versions": [
          "15.6"
        ]
      },
      "released": "2024-06-12",
      "eol": "2026-04-30",
      "source": "opensuse-lifetime",
      "note": "Extended from December 2025 to give a six-month overlap with Leap 16.0."
    },
    {
      "family": "opensuse-leap",
      "cycle": "openSUSE Leap 15.5",
      "match": {
        "versions": [
          "15.5"
        ]
      },
      "released": "2023-06-07",
      "eol": "2024-12-31",
      "source": "opensuse-lifetime"
    },
    {
      "family": "amzn",
      "cycle": "Amazon Linux 2023",
      "match": {
        "versions": [
          "2023"
        ]
      },
      "released": "2023-03-15",
      "eol": "2029-06-30",
      "source": "aws-al2023-cadence",
      "note": "Standard support ends 2027-06-30; the maintenance phase to 2029-06-30 still receives security updates."
    },
    {
      "family": "amzn",
      "cycle": "Amazon Linux 2",
      "match": {
        "versions": [
          "2"
        ]
      },
      "released": "2018-06-26",
      "eol": "2026-06-30",
      "source": "aws-al2-faq",
      "note": "Extended from 2025-06-30."
    },
    {
      "family": "fedora",
      "cycle": "Fedora Linux 44",
      "match": {
        "versions": [
          "44"
        ]
      },
      "released": "2026-04-28",
      "eol": "2027-05-25",
      "source": "fedora-lifecycle",
      "note": "Estimate: Fedora N is supported until four weeks after N+2 ships (Fedora 46, expected spring 2027); not verified."
    },
    {
      "family": "fedora",
      "cycle": "Fedora Linux 43",
      "match": {
        "versions": [
          "43"
        ]
      },
      "released": "2025-10-28",
      "eol": "2026-12-09",
      "source": "endoflife-fedora",
      "note": "Scheduled date (four weeks after Fedora 45); may move if Fedora 45 slipped, not verified."
    },
    {
      "family": "fedora",
      "cycle": "Fedora Linux 42",
      "match": {
        "versions": [
          "42"
        ]
      },
      "released": "2025-04-15",
      "eol": "2026-05-13",
      "source": "endoflife-fedora",
      "note": "Scheduled date; Fedora 44 slipped to 2026-04-28, so the actual end may have been later (not verified)."
    },
    {
      "family": "fedora",
      "cycle": "Fedora Linux 41",
      "match": {
        "versions": [
          "41"
        ]
      },
      "released": "2024-10-29",
      "eol": "2025-12-15",
      "source": "endoflife-fedora"
    },
    {
      "family": "alpine",
      "cycle": "Alpine Linux 3.23",
      "match": {
        "versions": [
          "3.23"
        ]
      },
      "released": "2025-12-04",
      "eol": "2027-11-01",
      "source": "alpine-releases"
    },
    {
      "family": "alpine",
      "cycle": "Alpine Linux 3.22",
      "match": {
        "versions": [
          "3.22"
        ]
      },
      "released": "2025-05-30",
      "eol": "2027-05-01",
      "source": "alpine-releases"
    },
    {
      "family": "alpine",
      "cycle": "Alpine Linux 3.21",
      "match": {
        "versions": [
          "3.21"
        ]
      },
      "released": "2024-12-05",
      "eol": "2026-11-01",
      "source": "alpine-releases"
    },
    {
      "family": "alpine",
      "cycle": "Alpine Linux 3.20",
      "match": {
        "versions": [
          "3.20"
        ]
      },
      "released": "2024-05-22",
      "eol": "2026-04-01",
      "source": "alpine-releases"
    }
  ]
};
